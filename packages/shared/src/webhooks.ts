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
]);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** The Vonage-style summary callback sent when a verification ends `blocked`. */
export const BlockedSummary = z.object({
  request_id: z.string(),
  submitted_at: z.string(),
  status: z.literal('blocked'),
  type: z.literal('summary'),
  workflow: z.array(
    z.object({
      channel: z.union([Channel, z.literal('silent')]),
      initiated_at: z.string().nullable(),
      status: z.string(),
      reason: z.string().nullable(),
    }),
  ),
  finalized_at: z.string(),
});
export type BlockedSummary = z.infer<typeof BlockedSummary>;

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
    BlockedSummary,
    NetworkBlockedEvent,
    z.record(z.string(), z.unknown()),
  ]),
});
export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;
