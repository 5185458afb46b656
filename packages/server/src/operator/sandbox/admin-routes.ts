import { phone } from '@proofline/shared/phone';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CamaraFailure, failures } from './failure.js';
import { grantedScopes, type SandboxDialect } from './scopes.js';
import type { SandboxState } from './state.js';
import { SubscriberInput, subscriberFrom } from './subscriber.js';
import type { SubscriptionHub } from './subscriptions.js';

const DeviceInput = z.strictObject({ phone: z.string().max(32).nullable() });
const TokenInput = z.strictObject({
  scope: z.string().min(1).max(1024),
  phone: z.string().max(32).optional(),
  expires_in: z.number().int().min(-86_400).max(86_400),
  amr: z.array(z.string().max(16)).max(4).optional(),
});
const FaultInput = z.strictObject({
  status: z.union([z.literal(429), z.literal(501), z.literal(503)]).nullable(),
  count: z.number().int().min(1).max(1000).optional(),
});
const LatencyInput = z.strictObject({ ms: z.number().int().min(0).max(60_000) });

/**
 * The admin API that scripts the simulated operator. No token: it exists only on embedded defaults
 * or when the sandbox runs on its own. Errors use the CAMARA ErrorInfo shape like the rest.
 */
export function registerAdminRoutes(
  app: FastifyInstance,
  state: SandboxState,
  dialect: SandboxDialect,
  subscriptions: SubscriptionHub,
): void {
  app.put<{ Params: { phone: string } }>('/subscribers/:phone', async (request) => {
    const number = e164(request.params.phone);
    const input = parse(SubscriberInput, request.body);
    const subscriber = subscriberFrom(input);
    const before = state.subscribers.get(number) ?? (state.knows(number) ? subscriberFrom({}) : null);
    state.subscribers.set(number, subscriber);
    // A changed SIM, roaming country or reachability goes out to the line's subscriptions.
    if (before !== null) subscriptions.lineChanged(number, before, subscriber);
    return { phone: number, upserted: true, ...subscriber };
  });

  app.get<{ Params: { phone: string } }>('/subscribers/:phone', async (request) => {
    const number = e164(request.params.phone);
    const known = state.subscribers.get(number);
    if (known) return { phone: number, upserted: true, ...known };
    if (!state.knows(number)) throw failures.identifierNotFound();
    return { phone: number, upserted: false, ...subscriberFrom({}) };
  });

  app.delete<{ Params: { phone: string } }>('/subscribers/:phone', async (request, reply) => {
    const number = e164(request.params.phone);
    if (!state.subscribers.delete(number)) throw failures.identifierNotFound();
    return reply.status(204).send();
  });

  app.put('/device', async (request) => {
    const input = parse(DeviceInput, request.body);
    state.device = input.phone === null ? null : e164(input.phone);
    return { phone: state.device };
  });
  app.get('/device', async () => ({ phone: state.device }));

  app.post('/admin/tokens', async (request) => {
    const input = parse(TokenInput, request.body);
    const scopes = grantedScopes(input.scope, dialect);
    const number = input.phone === undefined ? null : e164(input.phone);
    const accessToken = state.issueToken({
      scopes,
      phone: number,
      amr: input.amr ?? (number === null ? [] : ['nba']),
      expiresAt: state.clock.now() + input.expires_in * 1000,
      singleUse: false,
    });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: input.expires_in,
      scope: input.scope,
    };
  });

  app.put('/faults', async (request) => {
    const input = parse(FaultInput, request.body);
    state.fault = input.status === null ? null : { status: input.status, remaining: input.count ?? null };
    return { status: input.status, count: input.count ?? null };
  });

  app.put('/latency', async (request) => {
    const input = parse(LatencyInput, request.body);
    state.latencyMs = input.ms;
    return { ms: input.ms };
  });
}

/** `:phone` arrives as `%2B447…` or a raw `+447…` (Fastify decodes both), or without the `+`. */
function e164(value: string): string {
  const parsed = phone.parse(value.trim());
  if (parsed.ok) return parsed.e164;
  if (/^\+[1-9][0-9]{4,14}$/.test(value)) return value;
  throw failures.invalidArgument(`${value} is not a phone number.`);
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new CamaraFailure(400, 'INVALID_ARGUMENT', `${issue?.path.join('.') || 'body'}: ${issue?.message}`);
}
