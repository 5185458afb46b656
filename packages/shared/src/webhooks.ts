import { z } from 'zod';
import { Channel, VerificationRecordView } from './verification.js';

export const WebhookEventType = z.enum([
  'verification.approved',
  'verification.failed',
  'verification.blocked',
  'case.created',
  'network.blocked',
  /** A `webhook` rule action: `data` says which event the rule named, the rule and the verification. */
  'rule.matched',
  /** From `POST /v1/phone/monitor`: what the operator reported about a watched number. */
  'sim_swap.detected',
  'roaming.changed',
  'reachability.changed',
]);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/**
 * Vonage's `summary` callback, the `data` of the final webhook of a verification started through the
 * Vonage facade and of every `verification.blocked` event. Statuses and channels are Vonage's
 * (`completed`, `silent_auth`, a step never reached is `unused`); `reason` and `applicant_id` are
 * Proofline's additions.
 */
export const VerificationSummary = z.object({
  request_id: z.string(),
  submitted_at: z.string(),
  status: z.enum(['completed', 'failed', 'expired', 'user_rejected', 'blocked']),
  type: z.literal('summary'),
  channel_timeout: z.number().int(),
  workflow: z.array(
    z.object({
      channel: z.union([Channel, z.literal('silent_auth')]),
      /** Null for a step the verification never reached. */
      initiated_at: z.string().nullable(),
      status: z.enum(['completed', 'failed', 'expired', 'user_rejected', 'blocked', 'unused']),
      reason: z.string().nullable(),
    }),
  ),
  finalized_at: z.string(),
  /** The request's `client_ref`, when it was started through the Vonage facade with one. */
  client_ref: z.string().optional(),
  /** The site's applicant, as given at send-otp; null when none was. */
  applicant_id: z.string().nullable(),
});
export type VerificationSummary = z.infer<typeof VerificationSummary>;

export const NetworkBlockedEvent = z.object({
  network: z.string(),
  scope: z.enum(['network', 'prefix']),
  operator_name: z.string().nullable(),
  level: z.number().int(),
  blocked_until: z.string().nullable(),
  reason: z.string(),
});

export const WebhookEnvelope = z.object({
  type: WebhookEventType,
  timestamp: z.string(),
  data: z.union([
    VerificationRecordView,
    VerificationSummary,
    NetworkBlockedEvent,
    z.record(z.string(), z.unknown()),
  ]),
});
export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;
