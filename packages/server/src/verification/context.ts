import type { Channel, Settings } from '@proofline/shared';
import type { Clock } from '../clock/index.js';
import type { Logger } from '../logging/index.js';
import type { MessageSender } from '../messaging/index.js';
import type { OtpCodes } from './codes.js';
import type { VerificationObserver } from './observer.js';
import type {
  ResultTokenSigner,
  SendGuard,
  SilentVerifier,
  VerificationEvent,
  VerificationHooks,
  VerificationWebhooks,
} from './ports.js';
import { currentChannel, methodOf, type Surface, type VerificationRecord } from './record.js';
import type { VerificationRepository } from './repository.js';

/** Who asks: the site (from its site key or secret key) and, when known, the request's origin. */
export type Caller = {
  siteKey: string;
  surface: Surface;
  /** Already loaded by the caller (tRPC's widgetProcedure); read from the store otherwise. */
  settings?: Settings;
  ip: string | null;
  /** Host of the page's Origin for widget calls; null for site backends. */
  hostname?: string | null;
};

/** A verification as an operation leaves it; `token` only in the answer of the check that approved it. */
export type VerificationState = { record: VerificationRecord; attempts: number; token?: string };

/** A record as an operation holds it: `raw: null` until it is first written (a start). */
export type Held = { record: VerificationRecord; raw: string | null; attempts: number };

/** What every part of the flow works with: the record store and the ports, defaults applied. */
export type FlowDeps = {
  repository: VerificationRepository;
  clock: Clock;
  logger: Logger;
  codes: OtpCodes;
  messaging: MessageSender & { supports?(channel: Channel): boolean };
  tokens: ResultTokenSigner;
  /** The site's current settings, for operations whose caller did not load them. */
  loadSettings(siteKey: string): Promise<Settings>;
  webhooks: VerificationWebhooks;
  guard: SendGuard;
  hooks: VerificationHooks;
  silent: SilentVerifier | null;
  observer: VerificationObserver;
};

export function stateOf(loaded: { record: VerificationRecord; attempts: number }): VerificationState {
  return { record: loaded.record, attempts: loaded.attempts };
}

/** The verification as the rules see it at a trigger. */
export function eventOf(record: VerificationRecord, settings: Settings): VerificationEvent {
  return {
    verificationId: record.id,
    siteKey: record.siteKey,
    settings,
    phone: record.phone,
    country: record.country,
    channel: currentChannel(record),
    method: methodOf(record),
    status: record.status,
    reason: record.reason,
    flags: record.flags,
    risk: record.risk,
    ip: record.ip,
    applicantId: record.applicantId,
    action: record.action,
  };
}
