import type { Clock } from '../../clock/index.js';
import {
  DeliveryError,
  type DeliveryErrorCode,
  type MessageSender,
  type OutgoingMessage,
  type SendReceipt,
} from '../port.js';
import { basicAuth, type Fetch, isRecord, postToProvider, providerText } from '../provider-http.js';
import { escapeXml } from './twiml.js';

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** Sender number (E.164) for sms and voice. */
  from?: string;
  /** Used instead of `from` for sms when set: Twilio then picks the sender. */
  messagingServiceSid?: string;
  /** WhatsApp sender number (E.164), without the `whatsapp:` prefix. */
  whatsappFrom?: string;
  baseUrl?: string;
  timeoutMs?: number;
}

const voiceLanguages: Record<string, string> = { en: 'en-US', es: 'es-ES', fr: 'fr-FR', de: 'de-DE' };

/**
 * Twilio's Programmable Messaging (sms, whatsapp) and Voice (a call that reads the body with
 * `<Say>`), spoken to over its 2010-04-01 REST API: form-encoded bodies, Basic auth SID:token.
 */
export class TwilioSender implements MessageSender {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly config: TwilioConfig,
    private readonly deps: { clock: Clock; fetch?: Fetch },
  ) {
    this.baseUrl = (config.baseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
    this.timeoutMs = config.timeoutMs ?? 10_000;
  }

  async send(message: OutgoingMessage): Promise<SendReceipt> {
    const { resource, form } = this.request(message);
    const response = await postToProvider({
      provider: 'twilio',
      url: `${this.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(this.config.accountSid)}/${resource}`,
      headers: {
        authorization: basicAuth(this.config.accountSid, this.config.authToken),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(form).toString(),
      timeoutMs: this.timeoutMs,
      fetch: this.deps.fetch ?? fetch,
    });
    if (response.status >= 200 && response.status < 300 && isRecord(response.json)) {
      const sid = response.json.sid;
      if (typeof sid === 'string') {
        return {
          provider: 'twilio',
          channel: message.channel,
          providerMessageId: sid,
          acceptedAt: new Date(this.deps.clock.now()).toISOString(),
        };
      }
    }
    throw twilioError(response.status, response.json);
  }

  private request(message: OutgoingMessage): { resource: string; form: Record<string, string> } {
    switch (message.channel) {
      case 'sms': {
        const sender: Record<string, string> = this.config.messagingServiceSid
          ? { MessagingServiceSid: this.config.messagingServiceSid }
          : { From: this.requireSender(this.config.from, 'sms') };
        return { resource: 'Messages.json', form: { To: message.to, ...sender, Body: message.body } };
      }
      case 'whatsapp':
        return {
          resource: 'Messages.json',
          form: {
            To: `whatsapp:${message.to}`,
            From: `whatsapp:${this.requireSender(this.config.whatsappFrom, 'whatsapp')}`,
            Body: message.body,
          },
        };
      case 'voice': {
        const language = voiceLanguages[message.locale ?? 'en'] ?? 'en-US';
        const twiml = `<Response><Say language="${language}">${escapeXml(message.body)}</Say></Response>`;
        return {
          resource: 'Calls.json',
          form: { To: message.to, From: this.requireSender(this.config.from, 'voice'), Twiml: twiml },
        };
      }
      case 'email':
        throw new DeliveryError({
          code: 'rejected',
          provider: 'twilio',
          retryable: false,
          message: 'Twilio does not send email in Proofline; configure SMTP for the email channel',
        });
    }
  }

  private requireSender(from: string | undefined, channel: string): string {
    if (from) return from;
    throw new DeliveryError({
      code: 'rejected',
      provider: 'twilio',
      retryable: false,
      message: `no Twilio sender is configured for ${channel}`,
    });
  }
}

/** Twilio error codes that say what went wrong better than the HTTP status does. */
const codesByTwilioCode: Record<number, DeliveryErrorCode> = {
  20003: 'auth',
  20429: 'rate_limited',
  21211: 'invalid_recipient', // invalid 'To' phone number
  21214: 'invalid_recipient', // 'To' cannot be reached (calls)
  21217: 'invalid_recipient', // phone number does not appear to be valid (calls)
  21401: 'invalid_recipient', // invalid phone number (calls)
  21614: 'invalid_recipient', // 'To' is not a mobile number
  21612: 'unreachable', // no route to 'To' from this sender
  21215: 'rejected', // geo permission for calls not enabled
  21408: 'rejected', // permission to send to this region not enabled
  21608: 'rejected', // trial accounts send only to verified numbers
  21610: 'rejected', // recipient replied STOP
  21606: 'rejected', // 'From' cannot send sms
  21660: 'rejected', // 'From' does not belong to the account
  63016: 'rejected', // WhatsApp: outside the 24 h window, a template is needed
};

/** Maps Twilio's error JSON `{code, message, more_info, status}` to a DeliveryError. */
function twilioError(httpStatus: number, body: unknown): DeliveryError {
  const record = isRecord(body) ? body : {};
  const twilioCode = typeof record.code === 'number' ? record.code : undefined;
  const mapped = twilioCode === undefined ? undefined : codesByTwilioCode[twilioCode];
  const code: DeliveryErrorCode =
    mapped ??
    (httpStatus === 401
      ? 'auth'
      : httpStatus === 429
        ? 'rate_limited'
        : httpStatus === 408
          ? 'timeout'
          : 'provider_error');
  const retryable =
    code === 'rate_limited' || code === 'timeout' || (code === 'provider_error' && httpStatus >= 500);
  return new DeliveryError({
    code,
    provider: 'twilio',
    retryable,
    httpStatus,
    ...(twilioCode === undefined ? {} : { providerCode: String(twilioCode) }),
    message: providerText(record.message, `Twilio answered HTTP ${httpStatus}`),
  });
}
