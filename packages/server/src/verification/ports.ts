import type {
  Channel,
  PhoneType,
  RiskAssessment,
  Settings,
  VerificationMethod,
  WebhookEventType,
} from '@proofline/shared';
import type { QueueItem } from '../store/index.js';
import type { ResultTokenInput } from '../tokens/index.js';
import type { Surface } from './record.js';

/** A number's operator network (MCC+MNC) and the operator's name. */
export type LineNetwork = { network: string; operatorName: string | null };

/** What a send guard is told before a message goes out (and after it went). */
export type SendContext = {
  siteKey: string;
  settings: Settings;
  /** E.164. */
  phone: string;
  /** ISO alpha-2 of the number, when known. */
  country: string | null;
  channel: Channel;
  /** The caller's IP: the browser's for widget starts, the site backend's for REST. */
  ip: string | null;
  /** False only when a secret-key caller asked `fraud_check: false`. */
  fraudCheck: boolean;
  verificationId: string;
  /** The network the start's lookup named for this number (null: none); absent, the guard asks. */
  network?: LineNetwork | null;
};

type SendDecision = { allow: true } | { allow: false; reason: string };

/**
 * The fraud seam, asked before every send (first send, resend, fallback). It may refuse by
 * throwing a ProoflineError (`rate_limited`, `country_not_allowed`, `line_type_not_allowed`: the
 * caller gets that error and nothing is sent) or by answering `allow: false` (the verification
 * ends `blocked` with the reason, as a network block does).
 */
export interface SendGuard {
  beforeSend(context: SendContext): Promise<SendDecision>;
  /** After the provider answered: `delivered` false when it refused the message. */
  afterSend(context: SendContext & { delivered: boolean }): Promise<void>;
  /** A verification was approved: conversion for SMS-pumping detection. */
  onApproved(context: {
    siteKey: string;
    verificationId: string;
    phone: string;
    country: string | null;
    channel: Channel | null;
  }): Promise<void>;
  /** A wrong code was typed for the number: counted across all its verifications at the site. */
  recordWrongCode(siteKey: string, phone: string): Promise<void>;
  /** Throws `rate_limited` when the number had too many wrong codes: then no code approves. */
  assertCodesAccepted(siteKey: string, phone: string): Promise<void>;
  /**
   * The counter behind the two calls above, for a check to count or read in the store step that
   * counts its attempt (one round trip); null: the check makes those calls instead.
   */
  readonly wrongCodeCounter: WrongCodeCounter | null;
}

/** A number's wrong-code counter, as a check tallies it in its own store step. */
type WrongCodeCounter = {
  /** Its store key, written into each new record: a keyed hash of the number, never the number. */
  keyOf(siteKey: string, phone: string): string;
  windowMs: number;
  /** What `assertCodesAccepted` decides, on a count (and ms left in its window) read by the check. */
  assertAccepted(count: number, msLeft: number): void;
};

export const allowAllSends: SendGuard = {
  beforeSend: async () => ({ allow: true }),
  afterSend: async () => {},
  onApproved: async () => {},
  recordWrongCode: async () => {},
  assertCodesAccepted: async () => {},
  wrongCodeCounter: null,
};

/** A verification as the rules see it at each trigger. */
export type VerificationEvent = {
  verificationId: string;
  siteKey: string;
  settings: Settings;
  phone: string;
  country: string | null;
  channel: Channel | null;
  /** How it was (or is being) verified: the silent operator check, a code, or the lookup alone. */
  method: VerificationMethod | null;
  status: string;
  reason: string | null;
  flags: string[];
  risk: RiskAssessment | null;
  ip: string | null;
  /** The site's applicant (`applicant_id` at send-otp), carried onto the cases rules open. */
  applicantId: string | null;
  /** The page's action name (Turnstile's `action`), the rules' `action` fact. */
  action: string | null;
};

/** What the rules may decide when a verification starts, before anything is sent. */
export type StartDecision = {
  flags?: string[];
  risk?: RiskAssessment | null;
  /** Ends the verification `blocked` with this reason; nothing is sent. */
  block?: { reason: string };
  /** Silent verification is not enough for this number: the silent step is skipped. */
  requireOtp?: boolean;
  /** Start on this channel (then the rest of the workflow); implies a code, so no silent step. */
  channel?: Channel;
  /** The lookup's view of the line (`voip`, `mobile`, …, carrier name): the record's `line` from then on. */
  line?: { type: PhoneType; carrier: string | null };
  /** What `request_info` actions ask the site to collect; carried on the verification. */
  infoNeeded?: string[];
  /** The network the lookup's line source named (null: none), for the first send's fraud gate. */
  network?: LineNetwork | null;
  /**
   * The site does not insist on a code (`require_otp: false`) and nothing speaks against the number:
   * it is approved at the start without a message (method `lookup`).
   */
  approveWithoutCode?: boolean;
  /**
   * Facts the risk needs that nothing at the start decides on (the lookup sources' names): asked
   * by `onApproving` before the approval is written, so a verification that never gets that far
   * never costs their operator calls.
   */
  atApproval?: string[];
};

/** A verification's risk and flags once the facts its start left for the approval are known. */
type ApprovalAssessment = { risk: RiskAssessment | null; flags: string[] };

/**
 * The rules/risk seam: told at the product's triggers; only `onStarted` can change the flow, and
 * it may refuse the start by throwing a ProoflineError (e.g. `line_type_not_allowed`).
 */
export interface VerificationHooks {
  onStarted(event: VerificationEvent): Promise<StartDecision | undefined>;
  /** Before an approval is written, with the facts the start left for it (`StartDecision.atApproval`). */
  onApproving(event: VerificationEvent, facts: readonly string[]): Promise<ApprovalAssessment>;
  onApproved(event: VerificationEvent): Promise<void>;
  onFailed(event: VerificationEvent): Promise<void>;
}

export const noVerificationHooks: VerificationHooks = {
  onStarted: async () => undefined,
  onApproving: async (event) => ({ risk: event.risk, flags: event.flags }),
  onApproved: async () => {},
  onFailed: async () => {},
};

/** Signs result tokens (the tokens module's TokenIssuer fits). */
export interface ResultTokenSigner {
  issue(claims: ResultTokenInput): Promise<string>;
}

/** Queues a webhook for a site when it has a webhook URL; does nothing otherwise. */
export interface VerificationWebhooks {
  publish(siteKey: string, type: WebhookEventType, data: unknown): Promise<void>;
  /**
   * The queue item `publish` would write, for writing it in the same atomic step as the record
   * (an approval is never stored without its event); null when the site has no webhook.
   */
  prepare(
    siteKey: string,
    type: WebhookEventType,
    data: unknown,
    settings?: Settings,
  ): Promise<QueueItem | null>;
}

export const noWebhooks: VerificationWebhooks = { publish: async () => {}, prepare: async () => null };

/**
 * The silent-verification seam: a workflow may start with a `silent` step. `begin` answers the
 * operator URL the browser opens (the callback then calls `VerificationService.completeSilent`),
 * or null when silent verification is impossible for this number, which moves on to the next step.
 */
export interface SilentVerifier {
  begin(context: {
    verificationId: string;
    siteKey: string;
    surface: Surface;
    phone: string;
    returnUrl: string | null;
  }): Promise<{ authUrl: string; expiresAt: number } | null>;
}
