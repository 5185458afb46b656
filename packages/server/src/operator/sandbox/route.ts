import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CamaraFailure, failures } from './failure.js';
import type { IssuedToken, SandboxState } from './state.js';

const correlatorPattern = /^[a-zA-Z0-9-_:;./<>{}]{0,256}$/;
export const e164Pattern = /^\+[1-9][0-9]{4,14}$/;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type CamaraContext = {
  token: IssuedToken;
  now: number;
  request: FastifyRequest;
  reply: FastifyReply;
};

export type CamaraRouteSpec<Body> = {
  /** Any one of these scopes is enough (the spec's OR); an empty list: any valid token. */
  scopes: string[];
  body?: z.ZodType<Body>;
  handle(context: CamaraContext, body: Body): unknown;
};

/**
 * One CAMARA operation, with the checks every operation shares, in a real gateway's order:
 * latency knob, scripted fault, x-correlator syntax, token (401), scope (403), body schema (400).
 */
export function camaraRoute<Body>(
  app: FastifyInstance,
  state: SandboxState,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  spec: CamaraRouteSpec<Body>,
): void {
  app.route({
    method,
    url,
    handler: async (request, reply) => {
      if (state.latencyMs > 0) await sleep(state.latencyMs);
      const fault = state.takeFault();
      if (fault !== null) throw faultFailure(fault, reply);
      const correlator = request.headers['x-correlator'];
      if (typeof correlator === 'string' && !correlatorPattern.test(correlator)) {
        throw failures.invalidArgument('The x-correlator header is not valid.');
      }
      const token = bearerToken(request, state);
      if (spec.scopes.length > 0 && !spec.scopes.some((scope) => token.scopes.has(scope))) {
        throw failures.permissionDenied();
      }
      let body = request.body as Body;
      if (spec.body) {
        const parsed = spec.body.safeParse(request.body);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
          throw failures.invalidArgument(`${where}${issue?.message ?? 'invalid request body'}`);
        }
        body = parsed.data;
      }
      return spec.handle({ token, now: state.clock.now(), request, reply }, body);
    },
  });
}

function bearerToken(request: FastifyRequest, state: SandboxState): IssuedToken {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  const token = match ? state.validToken(match[1]!) : undefined;
  if (!token) throw failures.unauthenticated();
  return token;
}

function faultFailure(status: number, reply: FastifyReply): CamaraFailure {
  if (status === 429) {
    reply.header('retry-after', '1');
    return new CamaraFailure(429, 'TOO_MANY_REQUESTS', 'Rate limit reached.');
  }
  if (status === 501)
    return new CamaraFailure(501, 'NOT_IMPLEMENTED', 'This functionality is not implemented yet.');
  return new CamaraFailure(503, 'UNAVAILABLE', 'Service Unavailable.');
}

/**
 * The subject line of a call, per CAMARA's identifier rules: a 2-legged token needs the number in
 * the body (422 MISSING_IDENTIFIER), a 3-legged one must not carry it (422 UNNECESSARY_IDENTIFIER),
 * except KYC Match, where an equal number is allowed and a different one is 403 INVALID_TOKEN_CONTEXT.
 */
export function subjectNumber(
  token: IssuedToken,
  bodyNumber: string | undefined,
  rule: 'strict' | 'kyc-match' = 'strict',
): string {
  if (token.phone !== null) {
    if (bodyNumber === undefined) return token.phone;
    if (rule === 'kyc-match') {
      if (bodyNumber === token.phone) return token.phone;
      throw new CamaraFailure(
        403,
        'INVALID_TOKEN_CONTEXT',
        'phoneNumber is not consistent with access token.',
      );
    }
    throw failures.unnecessaryIdentifier();
  }
  if (bodyNumber === undefined) throw failures.missingIdentifier();
  return bodyNumber;
}

/** Today's date (UTC) as YYYY-MM-DD, for "a future date is OUT_OF_RANGE". */
export function today(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

export function isoInstant(value: string | number): string {
  return new Date(value).toISOString();
}
