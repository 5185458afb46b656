import type { Channel, VerificationMethod } from '@proofline/shared';
import type { StepChannel } from './record.js';

/** Where a verification happens: the site and the number's country (ISO alpha-2, null when unknown). */
export type ObservedScope = { siteKey: string; country: string | null };

/**
 * What happens to verifications, told as it happens (the metrics port). The verification service
 * reports every outcome here, and the fraud guard's network blocks are reported by the wiring; an
 * observer only counts, so its methods are synchronous and must not throw.
 */
export interface VerificationObserver {
  /** A verification began: its first step (`silent` or a code channel; null when approved by lookup). */
  started(event: ObservedScope & { channel: StepChannel | null; method: VerificationMethod | null }): void;
  /** A provider took a code for delivery. */
  sent(event: ObservedScope & { channel: Channel }): void;
  /** A provider refused or could not deliver a code; the flow moved on to the next step. */
  deliveryFailed(event: ObservedScope & { channel: Channel; reason: string }): void;
  /** A start or resend refused before anything was sent (the error code: `rate_limited`, …). */
  refused(event: { siteKey: string; reason: string }): void;
  /** A verification ended `blocked`: by a network block (fraud) or by a `block` rule. */
  blocked(event: ObservedScope & { by: 'network' | 'rule' }): void;
  /** The fraud guard blocked a network for a site (SMS pumping). */
  networkBlocked(event: { siteKey: string }): void;
  approved(event: ObservedScope & { channel: StepChannel | null; method: VerificationMethod | null }): void;
  /** Ended without approval: `expired`, `max_attempts_reached` or `failed`. */
  failed(
    event: ObservedScope & { status: string; channel: StepChannel | null; method: VerificationMethod | null },
  ): void;
}

export const noObserver: VerificationObserver = {
  started: () => {},
  sent: () => {},
  deliveryFailed: () => {},
  refused: () => {},
  blocked: () => {},
  networkBlocked: () => {},
  approved: () => {},
  failed: () => {},
};
