import nodemailer, { type Transporter } from 'nodemailer';
import type { Clock } from '../../clock/index.js';
import {
  accepted,
  DeliveryError,
  type DeliveryErrorCode,
  type MessageSender,
  type OutgoingMessage,
  refused,
  type SendReceipt,
} from '../port.js';

export interface SmtpConfig {
  /** `smtp://user:pass@host:587` or `smtps://…:465`; query options as nodemailer reads them. */
  url: string;
  /** The From header, e.g. `"Proofline" <no-reply@example.com>`. */
  from: string;
  timeoutMs?: number;
}

/** Email through any SMTP server, with nodemailer; every phase of the session has a deadline. */
export class SmtpSender implements MessageSender {
  private readonly transport: Transporter;

  constructor(
    private readonly config: SmtpConfig,
    private readonly deps: { clock: Clock },
  ) {
    const timeoutMs = config.timeoutMs ?? 10_000;
    this.transport = nodemailer.createTransport({
      url: config.url,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
    });
  }

  async send(message: OutgoingMessage): Promise<SendReceipt> {
    if (message.channel !== 'email') {
      throw refused('smtp', `SMTP sends email only, not ${message.channel}`);
    }
    try {
      const info = await this.transport.sendMail({
        from: this.config.from,
        to: message.to,
        subject: message.subject ?? '',
        text: message.body,
        headers: { 'X-Proofline-Verification': message.verificationId },
      });
      return accepted('smtp', 'email', String(info.messageId), this.deps.clock);
    } catch (error) {
      throw smtpError(error);
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** Maps nodemailer's error (`code` such as EAUTH, `responseCode` as the SMTP reply) to a DeliveryError. */
function smtpError(error: unknown): DeliveryError {
  const details = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    responseCode?: unknown;
  };
  const nodemailerCode = typeof details.code === 'string' ? details.code : undefined;
  const reply = typeof details.responseCode === 'number' ? details.responseCode : undefined;
  const code = deliveryCode(nodemailerCode, reply);
  const retryable = code === 'timeout' || (code === 'provider_error' && (reply === undefined || reply < 500));
  return new DeliveryError({
    code,
    provider: 'smtp',
    retryable,
    ...(reply === undefined ? {} : { providerCode: String(reply) }),
    // The server's own text may quote the address; the codes say enough.
    message: `SMTP delivery failed (${[nodemailerCode, reply].filter(Boolean).join(' ') || 'unknown error'})`,
    cause: error,
  });
}

function deliveryCode(nodemailerCode: string | undefined, reply: number | undefined): DeliveryErrorCode {
  if (nodemailerCode === 'EAUTH' || nodemailerCode === 'ENOAUTH' || reply === 535 || reply === 530)
    return 'auth';
  if (nodemailerCode === 'ETIMEDOUT') return 'timeout';
  // 550 mailbox unavailable, 551 user not local, 553 mailbox name not allowed, 501 bad address syntax.
  if (reply === 550 || reply === 551 || reply === 553 || reply === 501) return 'invalid_recipient';
  // Other 5yz replies refuse this message for good; 4yz replies are transient (provider_error, retryable).
  if (reply !== undefined && reply >= 500) return 'rejected';
  return 'provider_error';
}
