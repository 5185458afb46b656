import { z } from 'zod';
import { CountryCode, PhoneInput } from './verification.js';

/**
 * `POST /v1/phone/monitor`: watch a number at its operator (CAMARA subscription APIs) and receive
 * what happens to it as webhooks: `sim_swap.detected`, `roaming.changed`, `reachability.changed`.
 */
export const MonitoredEvent = z.enum(['sim_swap', 'roaming', 'reachability']);
export type MonitoredEvent = z.infer<typeof MonitoredEvent>;

export const MonitorId = z
  .string()
  .regex(/^mon_[A-Za-z0-9_-]{22,64}$/, 'a subscription_id from POST /v1/phone/monitor');

export const MonitorInput = z.strictObject({
  phone: PhoneInput,
  country: CountryCode.optional(),
  events: z
    .array(MonitoredEvent)
    .min(1)
    .max(3)
    .refine((list) => new Set(list).size === list.length, 'each event at most once'),
  /** RFC 3339 with a zone; in the future. Absent: until deleted (or the operator's own limit). */
  expires_at: z.iso.datetime({ offset: true }).optional(),
});
export type MonitorInput = z.infer<typeof MonitorInput>;

export const MonitorOutput = z.object({
  subscription_id: MonitorId,
  phone: z.string(),
  events: z.array(MonitoredEvent),
  created_at: z.string(),
  expires_at: z.string().nullable(),
});
export type MonitorOutput = z.infer<typeof MonitorOutput>;

export const MonitorParams = z.strictObject({ subscription_id: MonitorId });
export type MonitorParams = z.infer<typeof MonitorParams>;

export const DeleteMonitorOutput = z.object({ subscription_id: MonitorId, deleted: z.literal(true) });
export type DeleteMonitorOutput = z.infer<typeof DeleteMonitorOutput>;

/** A CloudEvent (structured mode) as the operator POSTs it to a monitor's sink. */
export const OperatorCloudEvent = z.looseObject({
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  specversion: z.literal('1.0'),
  time: z.string().min(1),
  data: z.looseObject({ subscriptionId: z.string().min(1) }),
});

/** What the operator's CloudEvents route answers it (the operator only looks at the status). */
export const OperatorEventAck = z.object({ received: z.literal(true) });

/** Webhook `data` of `sim_swap.detected`: `phone` masked unless the site sets `webhook_full_phone`. */
export const SimSwapDetectedEvent = z.object({
  phone: z.string(),
  swapped_at: z.string(),
  subscription_id: MonitorId,
});
export type SimSwapDetectedEvent = z.infer<typeof SimSwapDetectedEvent>;

/** Webhook `data` of `roaming.changed`; `country_code` is the visited network's MCC. */
export const RoamingChangedEvent = z.object({
  phone: z.string(),
  roaming: z.boolean(),
  country_code: z.number().int().nullable(),
  country_names: z.array(z.string()),
  changed_at: z.string(),
  subscription_id: MonitorId,
});

/** Webhook `data` of `reachability.changed`. */
export const ReachabilityChangedEvent = z.object({
  phone: z.string(),
  reachable: z.boolean(),
  connectivity: z.array(z.enum(['data', 'sms'])),
  changed_at: z.string(),
  subscription_id: MonitorId,
});
