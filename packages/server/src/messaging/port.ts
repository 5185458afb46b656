import type { Channel } from '@proofline/shared';
import type { Clock } from '../clock/index.js';

/** One message to deliver. `body` is what the recipient reads (or, for voice, hears). */
export interface OutgoingMessage {
  channel: Channel;
  /** E.164 for sms, voice and whatsapp; an address for email. */
  to: string;
  body: string;
  /** Email only. */
  subject?: string;
  /** The language the body is written in (`en`, `es`, …), so voice reads it with the right accent. */
  locale?: string;
  siteKey: string;
  verificationId: string;
}

export type MessagingProvider = 'dev' | 'twilio' | 'vonage' | 'smtp';

/** The provider accepted the message; delivery to the handset may still fail later. */
export interface SendReceipt {
  provider: MessagingProvider;
  channel: Channel;
  /** The provider's id of the message or call (Twilio SID, Vonage UUID, SMTP Message-ID). */
  providerMessageId: string;
  acceptedAt: string;
}

/** The port: domains send through it and never see which provider is behind it. */
export interface MessageSender {
  send(message: OutgoingMessage): Promise<SendReceipt>;
}

/**
 * Why a send failed, in words the verification flow can act on:
 * `invalid_recipient` and `unreachable` call for another channel, `rate_limited`, `timeout` and
 * `provider_error` may work on retry, `rejected` and `auth` will not work again as they are.
 */
export type DeliveryErrorCode =
  | 'rejected'
  | 'invalid_recipient'
  | 'unreachable'
  | 'rate_limited'
  | 'auth'
  | 'provider_error'
  | 'timeout';

export interface DeliveryErrorInit {
  code: DeliveryErrorCode;
  provider: MessagingProvider | 'none';
  retryable: boolean;
  httpStatus?: number;
  /** The provider's own error code (Twilio `21211`, Vonage `1050`, SMTP `550`). */
  providerCode?: string;
  message: string;
  cause?: unknown;
}

/** A send that failed. Its message never contains the body (which holds the code). */
export class DeliveryError extends Error {
  readonly code: DeliveryErrorCode;
  readonly provider: MessagingProvider | 'none';
  readonly retryable: boolean;
  readonly httpStatus: number | undefined;
  readonly providerCode: string | undefined;

  constructor(init: DeliveryErrorInit) {
    super(init.message, { cause: init.cause });
    this.name = 'DeliveryError';
    this.code = init.code;
    this.provider = init.provider;
    this.retryable = init.retryable;
    this.httpStatus = init.httpStatus;
    this.providerCode = init.providerCode;
  }
}

export function isDeliveryError(error: unknown): error is DeliveryError {
  return error instanceof DeliveryError;
}

/** The receipt of a message `provider` accepted now, under its id `providerMessageId`. */
export function accepted(
  provider: MessagingProvider,
  channel: Channel,
  providerMessageId: string,
  clock: Clock,
): SendReceipt {
  return { provider, channel, providerMessageId, acceptedAt: new Date(clock.now()).toISOString() };
}

/**
 * A send a provider's sender refuses before calling the provider (a channel it does not send, a
 * sender or credentials it lacks): it will not work again as configured.
 */
export function refused(
  provider: MessagingProvider,
  message: string,
  code: Extract<DeliveryErrorCode, 'rejected' | 'auth'> = 'rejected',
): DeliveryError {
  return new DeliveryError({ code, provider, retryable: false, message });
}
