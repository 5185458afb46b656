import { z } from 'zod';
import {
  type LineSubscription,
  type LineSubscriptionsApi,
  OperatorError,
  type WatchedLineEvent,
} from '../port.js';
import type { CamaraCaller } from './caller.js';
import type { CamaraApiName, CamaraScopeName } from './config.js';

/**
 * The CAMARA event types behind each watched event. CAMARA allows one type per subscription, so
 * reachability takes three (data, SMS only, disconnected); roaming takes `roaming-status`, which
 * carries both directions and the country.
 */
const plans: Record<
  WatchedLineEvent,
  { api: CamaraApiName; deleteScope: CamaraScopeName; types: { type: string; scope: CamaraScopeName }[] }
> = {
  sim_swap: {
    api: 'simSwapSubscriptions',
    deleteScope: 'simSwapSubscriptions.delete',
    types: [
      {
        type: 'org.camaraproject.sim-swap-subscriptions.v0.swapped',
        scope: 'simSwapSubscriptions.swapped',
      },
    ],
  },
  roaming: {
    api: 'roamingSubscriptions',
    deleteScope: 'roamingSubscriptions.delete',
    types: [
      {
        type: 'org.camaraproject.device-roaming-status-subscriptions.v0.roaming-status',
        scope: 'roamingSubscriptions.roamingStatus',
      },
    ],
  },
  reachability: {
    api: 'reachabilitySubscriptions',
    deleteScope: 'reachabilitySubscriptions.delete',
    types: (['data', 'sms', 'disconnected'] as const).map((kind) => ({
      type: `org.camaraproject.device-reachability-status-subscriptions.v0.reachability-${kind}`,
      scope: `reachabilitySubscriptions.${kind}` as const,
    })),
  },
};

const Created = z.object({ id: z.string().min(1) });

const CloudEvent = z.object({
  type: z.string(),
  time: z.string(),
  specversion: z.literal('1.0'),
  data: z.looseObject({
    subscriptionId: z.string().min(1),
    roaming: z.boolean().optional(),
    countryCode: z.number().int().optional(),
    countryName: z.array(z.string()).optional(),
    terminationReason: z.string().optional(),
  }),
});

/** The operator's subscription APIs over CAMARA: create and delete subscriptions, read their CloudEvents. */
export function camaraSubscriptions(call: CamaraCaller): LineSubscriptionsApi {
  const remove = async ({ id, event }: LineSubscription) => {
    const plan = plans[event];
    try {
      await call.twoLegged(
        plan.api,
        `/subscriptions/${encodeURIComponent(id)}`,
        plan.deleteScope,
        undefined,
        z.unknown(),
        'DELETE',
      );
    } catch (error) {
      if (!(error instanceof OperatorError && error.status === 404)) throw error;
    }
  };

  return {
    async create({ phoneNumber, event, sink, sinkToken, expiresAt }) {
      const plan = plans[event];
      const created: LineSubscription[] = [];
      try {
        for (const { type, scope } of plan.types) {
          const subject = event === 'sim_swap' ? { phoneNumber } : { device: { phoneNumber } };
          const answer = await call.twoLegged(
            plan.api,
            '/subscriptions',
            scope,
            {
              protocol: 'HTTP',
              sink,
              sinkCredential: {
                credentialType: 'ACCESSTOKEN',
                accessToken: sinkToken.accessToken,
                accessTokenType: 'bearer',
                accessTokenExpiresUtc: new Date(sinkToken.expiresAt).toISOString(),
              },
              types: [type],
              config: {
                subscriptionDetail: subject,
                ...(expiresAt === null ? {} : { subscriptionExpireTime: new Date(expiresAt).toISOString() }),
              },
            },
            Created,
          );
          created.push({ id: answer.id, event });
        }
        return created;
      } catch (error) {
        // All or nothing: a half-made reachability watch would miss states.
        await Promise.allSettled(created.map(remove));
        throw error;
      }
    },
    delete: remove,
    readEvent(body) {
      const parsed = CloudEvent.safeParse(body);
      if (!parsed.success) return null;
      const { type, time, data } = parsed.data;
      const base = { subscriptionId: data.subscriptionId, time };
      const kind = /^org\.camaraproject\.[a-z-]+\.v0\.([a-z-]+)$/.exec(type)?.[1];
      switch (kind) {
        case 'swapped':
          return { ...base, kind: 'sim_swap' };
        case 'roaming-status':
          return {
            ...base,
            kind: 'roaming',
            roaming: data.roaming ?? false,
            countryCode: data.roaming ? (data.countryCode ?? null) : null,
            countryNames: data.roaming ? (data.countryName ?? []) : [],
          };
        case 'reachability-data':
          return { ...base, kind: 'reachability', reachable: true, connectivity: ['DATA'] };
        case 'reachability-sms':
          return { ...base, kind: 'reachability', reachable: true, connectivity: ['SMS'] };
        case 'reachability-disconnected':
          return { ...base, kind: 'reachability', reachable: false, connectivity: [] };
        case 'subscription-ended':
          return { ...base, kind: 'ended', reason: data.terminationReason ?? 'NETWORK_TERMINATED' };
        default:
          return null;
      }
    },
  };
}
