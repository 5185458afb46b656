import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CamaraFailure, failures } from './failure.js';
import { countriesOfMcc, mccOf } from './mcc.js';
import { camaraRoute, e164Pattern, isoInstant, subjectNumber } from './route.js';
import type { SandboxState } from './state.js';
import { type Subscriber, subscriberFrom } from './subscriber.js';

/** The three CAMARA subscription APIs the sandbox serves (one event type per subscription, as they all say). */
const subscriptionApis = {
  'sim-swap-subscriptions': { version: 'v0.3', subject: 'phoneNumber', kinds: ['swapped'] },
  'device-roaming-status-subscriptions': {
    version: 'v0.8',
    subject: 'device',
    kinds: ['roaming-status', 'roaming-on', 'roaming-off', 'roaming-change-country'],
  },
  'device-reachability-status-subscriptions': {
    version: 'v0.8',
    subject: 'device',
    kinds: ['reachability-data', 'reachability-sms', 'reachability-disconnected'],
  },
} as const;
export type SubscriptionApiName = keyof typeof subscriptionApis;

const eventType = (api: SubscriptionApiName, kind: string) => `org.camaraproject.${api}.v0.${kind}`;

/** Every scope of the subscription APIs, for the sandbox's token endpoint. */
export const subscriptionScopes: string[] = Object.entries(subscriptionApis).flatMap(([api, spec]) => [
  ...spec.kinds.map((kind) => `${api}:${eventType(api as SubscriptionApiName, kind)}:create`),
  `${api}:read`,
  `${api}:delete`,
]);

type TerminationReason =
  | 'SUBSCRIPTION_EXPIRED'
  | 'MAX_EVENTS_REACHED'
  | 'ACCESS_TOKEN_EXPIRED'
  | 'SUBSCRIPTION_DELETED';

type SandboxSubscription = {
  api: SubscriptionApiName;
  id: string;
  type: string;
  sink: string;
  accessToken: string | null;
  accessTokenExpiresAt: number | null;
  phone: string;
  /** Set when the caller named the line in the body (2-legged): events then echo it. */
  named: boolean;
  /** The token's line for a 3-legged subscription: list and get show only its own. */
  owner: string | null;
  startsAt: number;
  expiresAt: number | null;
  maxEvents: number | null;
  eventsSent: number;
  config: Record<string, unknown>;
};

const PhoneNumber = z.string().regex(e164Pattern, 'must be E.164 with a leading +');
const SubscriptionRequest = z.object({
  protocol: z.string(),
  sink: z.string(),
  sinkCredential: z
    .object({
      credentialType: z.string(),
      accessToken: z.string().optional(),
      accessTokenExpiresUtc: z.iso.datetime({ offset: true }).optional(),
      accessTokenType: z.string().optional(),
    })
    .optional(),
  types: z.array(z.string()).length(1),
  config: z.object({
    subscriptionDetail: z.object({
      phoneNumber: PhoneNumber.optional(),
      device: z
        .object({
          phoneNumber: PhoneNumber.optional(),
          networkAccessIdentifier: z.string().optional(),
          ipv4Address: z.looseObject({}).optional(),
          ipv6Address: z.string().optional(),
        })
        .optional(),
    }),
    subscriptionExpireTime: z.iso.datetime({ offset: true }).optional(),
    subscriptionMaxEvents: z.number().int().min(1).optional(),
    initialEvent: z.boolean().optional(),
  }),
});

export type SubscriptionHubOptions = {
  /** Where CloudEvents are POSTed from (tests point `https://` sinks at local receivers through it). */
  fetch: typeof fetch;
  /** Accept `http://` sinks (embedded defaults, where the sink is a local server); CAMARA needs https. */
  insecureSinks: boolean;
  basePath: string;
};

/**
 * CAMARA subscriptions kept by the simulated operator: created, listed, read and deleted through the
 * APIs, fed by admin changes to a line, ended on expiry, max events, token expiry or deletion, with
 * every notification POSTed to the sink as a CloudEvent with the sink's access token.
 */
export class SubscriptionHub {
  private readonly subscriptions = new Map<string, SandboxSubscription>();
  /** Deliveries under way, so a test or a shutdown can wait for them. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly state: SandboxState,
    private readonly options: SubscriptionHubOptions,
  ) {}

  /** Called by the admin upsert: what changed on the line becomes events for its subscriptions. */
  lineChanged(phone: string, before: Subscriber, after: Subscriber): void {
    this.sweep();
    for (const subscription of [...this.subscriptions.values()]) {
      if (subscription.phone !== phone) continue;
      for (const event of changes(subscription.api, before, after)) {
        if (eventType(subscription.api, event.kind) !== subscription.type) continue;
        this.notify(subscription, event.kind, event.data);
        subscription.eventsSent++;
        if (subscription.maxEvents !== null && subscription.eventsSent >= subscription.maxEvents) {
          this.end(subscription, 'MAX_EVENTS_REACHED');
          break;
        }
      }
    }
  }

  /** Ends what is due by the clock; run on every sandbox request and on a timer. */
  sweep(): void {
    const now = this.state.clock.now();
    for (const subscription of [...this.subscriptions.values()]) {
      if (subscription.expiresAt !== null && subscription.expiresAt <= now) {
        this.end(subscription, 'SUBSCRIPTION_EXPIRED');
      } else if (subscription.accessTokenExpiresAt !== null && subscription.accessTokenExpiresAt <= now) {
        this.end(subscription, 'ACCESS_TOKEN_EXPIRED');
      }
    }
  }

  /** Resolves when every delivery started so far has finished (successfully or not). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  register(app: FastifyInstance): void {
    for (const [name, spec] of Object.entries(subscriptionApis)) {
      const api = name as SubscriptionApiName;
      const root = `/${api}/${spec.version}/subscriptions`;
      const createScopes = spec.kinds.map((kind) => `${api}:${eventType(api, kind)}:create`);

      camaraRoute(app, this.state, 'POST', root, {
        scopes: createScopes,
        body: SubscriptionRequest,
        handle: ({ token, now, reply }, body) => {
          const type = body.types[0]!;
          if (!spec.kinds.some((kind) => eventType(api, kind) === type)) {
            throw failures.invalidArgument(`types: ${type} is not an event type of ${api}.`);
          }
          if (!token.scopes.has(`${api}:${type}:create`)) throw failures.permissionDenied();
          if (body.protocol !== 'HTTP')
            throw new CamaraFailure(400, 'INVALID_PROTOCOL', 'Only HTTP is supported');
          if (!this.sinkAllowed(body.sink)) {
            throw new CamaraFailure(400, 'INVALID_SINK', 'sink not valid for the specified protocol');
          }
          const credential = body.sinkCredential;
          if (credential && credential.credentialType !== 'ACCESSTOKEN') {
            throw new CamaraFailure(400, 'INVALID_CREDENTIAL', 'Only Access token is supported');
          }
          if (credential && (credential.accessTokenType !== 'bearer' || !credential.accessToken)) {
            throw new CamaraFailure(400, 'INVALID_TOKEN', 'Only bearer token is supported');
          }
          if (credential && !credential.accessTokenExpiresUtc) {
            throw failures.invalidArgument('sinkCredential.accessTokenExpiresUtc is required.');
          }
          const detail = body.config.subscriptionDetail;
          const named =
            spec.subject === 'phoneNumber' ? detail.phoneNumber : this.deviceNumber(detail.device);
          const phone = subjectNumber(token, named);
          this.state.line(phone);
          const expiresAt =
            body.config.subscriptionExpireTime === undefined
              ? null
              : Date.parse(body.config.subscriptionExpireTime);
          if (expiresAt !== null && expiresAt <= now) {
            throw failures.outOfRange('config.subscriptionExpireTime must be in the future.');
          }
          const subscription: SandboxSubscription = {
            api,
            id: randomUUID(),
            type,
            sink: body.sink,
            accessToken: credential?.accessToken ?? null,
            accessTokenExpiresAt: credential?.accessTokenExpiresUtc
              ? Date.parse(credential.accessTokenExpiresUtc)
              : null,
            phone,
            named: named !== undefined,
            owner: token.phone,
            startsAt: now,
            expiresAt,
            maxEvents: body.config.subscriptionMaxEvents ?? null,
            eventsSent: 0,
            config: body.config,
          };
          this.subscriptions.set(subscription.id, subscription);
          if (body.config.initialEvent) this.initialEvent(subscription);
          reply.status(201);
          return view(subscription);
        },
      });

      camaraRoute(app, this.state, 'GET', root, {
        scopes: [`${api}:read`],
        handle: ({ token }) =>
          [...this.subscriptions.values()]
            .filter((subscription) => subscription.api === api && subscription.owner === token.phone)
            .map(view),
      });

      camaraRoute(app, this.state, 'GET', `${root}/:subscriptionId`, {
        scopes: [`${api}:read`],
        handle: ({ token, request }) => view(this.owned(api, token.phone, request.params)),
      });

      camaraRoute(app, this.state, 'DELETE', `${root}/:subscriptionId`, {
        scopes: [`${api}:delete`],
        handle: ({ token, request, reply }) => {
          this.end(this.owned(api, token.phone, request.params), 'SUBSCRIPTION_DELETED');
          return reply.status(204).send();
        },
      });
    }
  }

  private sinkAllowed(sink: string): boolean {
    if (!URL.canParse(sink)) return false;
    const { protocol } = new URL(sink);
    return protocol === 'https:' || (this.options.insecureSinks && protocol === 'http:');
  }

  /** The sandbox identifies devices by number only, as its retrieve APIs do. */
  private deviceNumber(device: { phoneNumber?: string | undefined } | undefined): string | undefined {
    if (device === undefined) return undefined;
    if (Object.keys(device).length === 0)
      throw failures.invalidArgument('device needs at least one identifier');
    if (device.phoneNumber === undefined) throw failures.unsupportedIdentifier();
    return device.phoneNumber;
  }

  private owned(api: SubscriptionApiName, owner: string | null, params: unknown): SandboxSubscription {
    const id = (params as { subscriptionId?: string }).subscriptionId ?? '';
    const subscription = this.subscriptions.get(id);
    if (!subscription || subscription.api !== api || subscription.owner !== owner) {
      throw new CamaraFailure(404, 'NOT_FOUND', 'The specified resource is not found.');
    }
    return subscription;
  }

  /** `initialEvent`: the event the line's current state already matches (roaming now, reachable now). */
  private initialEvent(subscription: SandboxSubscription): void {
    const initial = changes(subscription.api, null, this.state.line(subscription.phone)).find(
      (event) => eventType(subscription.api, event.kind) === subscription.type,
    );
    if (!initial) return;
    this.notify(subscription, initial.kind, initial.data);
    subscription.eventsSent++;
  }

  private end(subscription: SandboxSubscription, reason: TerminationReason): void {
    this.subscriptions.delete(subscription.id);
    const data: Record<string, unknown> = { terminationReason: reason };
    // Device Roaming Status Subscriptions v0.8 requires countryCode in subscription-ended data.
    if (subscription.api === 'device-roaming-status-subscriptions') {
      // The record as it stands, even if the line stopped being served (ending must never fail).
      const line = this.state.subscribers.get(subscription.phone) ?? subscriberFrom({});
      data.countryCode = currentMcc(line);
    }
    this.notify(subscription, 'subscription-ended', data);
  }

  private notify(subscription: SandboxSubscription, kind: string, data: Record<string, unknown>): void {
    const subject = !subscription.named
      ? {}
      : subscription.api === 'sim-swap-subscriptions'
        ? { phoneNumber: subscription.phone }
        : { device: { phoneNumber: subscription.phone } };
    const event = {
      id: randomUUID(),
      source: `${this.options.basePath}/${subscription.api}/${subscriptionApis[subscription.api].version}/subscriptions/${subscription.id}`,
      type: eventType(subscription.api, kind),
      specversion: '1.0',
      datacontenttype: 'application/json',
      time: isoInstant(this.state.clock.now()),
      data: { ...subject, ...data, subscriptionId: subscription.id },
    };
    const delivery = this.options
      .fetch(subscription.sink, {
        method: 'POST',
        headers: {
          'content-type': 'application/cloudevents+json',
          'x-correlator': randomUUID(),
          ...(subscription.accessToken ? { authorization: `Bearer ${subscription.accessToken}` } : {}),
        },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(10_000),
      })
      .then(
        (response) => response.body?.cancel(),
        // A sink that is down loses the event, as CAMARA leaves retries to the implementation.
        () => undefined,
      );
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }
}

function view(subscription: SandboxSubscription): Record<string, unknown> {
  return {
    id: subscription.id,
    protocol: 'HTTP',
    sink: subscription.sink,
    types: [subscription.type],
    config: subscription.config,
    startsAt: isoInstant(subscription.startsAt),
    ...(subscription.expiresAt === null ? {} : { expiresAt: isoInstant(subscription.expiresAt) }),
    status: 'ACTIVE',
  };
}

type Reach = 'data' | 'sms' | 'disconnected';
function reachOf(line: Subscriber): Reach {
  if (line.line_status !== 'active') return 'disconnected';
  const reach =
    typeof line.reachable === 'boolean' ? { data: line.reachable, sms: line.reachable } : line.reachable;
  return reach.data ? 'data' : reach.sms ? 'sms' : 'disconnected';
}

function roamingCountry(
  country: string,
): { countryCode: number; countryName: string[] } | Record<string, never> {
  const mcc = mccOf(country);
  return mcc === undefined ? {} : { countryCode: mcc, countryName: countriesOfMcc(mcc) };
}

function currentMcc(line: Subscriber): number {
  const visited = line.roaming_country === null ? undefined : mccOf(line.roaming_country);
  return visited ?? Number(line.network.slice(0, 3));
}

/** The events a change of the line's record means for one API, by kind; `before` null: its initial state. */
function changes(
  api: SubscriptionApiName,
  before: Subscriber | null,
  after: Subscriber,
): { kind: string; data: Record<string, unknown> }[] {
  if (api === 'sim-swap-subscriptions') {
    const swapped =
      before !== null && after.sim_changed_at !== null && after.sim_changed_at !== before.sim_changed_at;
    return swapped ? [{ kind: 'swapped', data: {} }] : [];
  }
  if (api === 'device-reachability-status-subscriptions') {
    const reach = reachOf(after);
    return before === null || reach !== reachOf(before) ? [{ kind: `reachability-${reach}`, data: {} }] : [];
  }
  const to = after.roaming_country;
  const country = to === null ? {} : roamingCountry(to);
  const status = { kind: 'roaming-status', data: { roaming: to !== null, ...country } };
  if (before === null) return to === null ? [status] : [status, { kind: 'roaming-on', data: {} }];
  const from = before.roaming_country;
  if (from === to) return [];
  if (from === null) return [status, { kind: 'roaming-on', data: {} }];
  if (to === null) return [status, { kind: 'roaming-off', data: {} }];
  return [status, { kind: 'roaming-change-country', data: country }];
}
