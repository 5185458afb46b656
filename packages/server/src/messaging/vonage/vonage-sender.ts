import type { Clock } from '../../clock/index.js';
import {
  DeliveryError,
  type DeliveryErrorCode,
  type MessageSender,
  type OutgoingMessage,
  type SendReceipt,
} from '../port.js';
import { basicAuth, type Fetch, isRecord, postToProvider, providerText } from '../provider-http.js';
import { VonageJwtSigner } from './vonage-jwt.js';

export interface VonageConfig {
  /** API key and secret: Basic auth for the Messages API when no application is configured. */
  apiKey?: string;
  apiSecret?: string;
  /** Application id and its PEM (PKCS#8) private key: a JWT, needed by the Voice API. */
  applicationId?: string;
  privateKey?: string;
  /** Sender for sms (a number or an alphanumeric sender id) and the caller number for voice. */
  from?: string;
  whatsappFrom?: string;
  baseUrl?: string;
  timeoutMs?: number;
}

const voiceLanguages: Record<string, string> = { en: 'en-US', es: 'es-ES', fr: 'fr-FR', de: 'de-DE' };

/**
 * Vonage's Messages API (sms, whatsapp: `POST /v1/messages`) and Voice API (a call whose NCCO
 * talks: `POST /v1/calls`). Numbers travel without the leading `+`, as Vonage writes them.
 */
export class VonageSender implements MessageSender {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly jwt: VonageJwtSigner | undefined;

  constructor(
    private readonly config: VonageConfig,
    private readonly deps: { clock: Clock; fetch?: Fetch },
  ) {
    this.baseUrl = (config.baseUrl ?? 'https://api.nexmo.com').replace(/\/+$/, '');
    this.timeoutMs = config.timeoutMs ?? 10_000;
    this.jwt =
      config.applicationId && config.privateKey
        ? new VonageJwtSigner(config.applicationId, config.privateKey, deps.clock)
        : undefined;
  }

  async send(message: OutgoingMessage): Promise<SendReceipt> {
    const to = message.to.replace(/^\+/, '');
    const { path, payload, idField } =
      message.channel === 'voice'
        ? {
            path: '/v1/calls',
            idField: 'uuid',
            payload: {
              to: [{ type: 'phone', number: to }],
              from: { type: 'phone', number: this.sender(this.config.from, 'voice') },
              ncco: [
                {
                  action: 'talk',
                  text: message.body,
                  language: voiceLanguages[message.locale ?? 'en'] ?? 'en-US',
                },
              ],
            },
          }
        : {
            path: '/v1/messages',
            idField: 'message_uuid',
            payload: {
              message_type: 'text',
              channel: this.messagesChannel(message),
              to,
              from: this.sender(
                message.channel === 'whatsapp' ? this.config.whatsappFrom : this.config.from,
                message.channel,
              ),
              text: message.body,
              client_ref: message.verificationId,
            },
          };
    const response = await postToProvider({
      provider: 'vonage',
      url: `${this.baseUrl}${path}`,
      headers: {
        authorization: await this.authorization(message.channel === 'voice'),
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(payload),
      timeoutMs: this.timeoutMs,
      fetch: this.deps.fetch ?? fetch,
    });
    if (response.status >= 200 && response.status < 300 && isRecord(response.json)) {
      const id = response.json[idField];
      if (typeof id === 'string') {
        return {
          provider: 'vonage',
          channel: message.channel,
          providerMessageId: id,
          acceptedAt: new Date(this.deps.clock.now()).toISOString(),
        };
      }
    }
    throw vonageError(response.status, response.json);
  }

  private messagesChannel(message: OutgoingMessage): 'sms' | 'whatsapp' {
    if (message.channel === 'sms' || message.channel === 'whatsapp') return message.channel;
    throw new DeliveryError({
      code: 'rejected',
      provider: 'vonage',
      retryable: false,
      message: `Vonage does not send ${message.channel} in Proofline`,
    });
  }

  private async authorization(voice: boolean): Promise<string> {
    if (this.jwt) return `Bearer ${await this.jwt.sign()}`;
    if (!voice && this.config.apiKey && this.config.apiSecret) {
      return basicAuth(this.config.apiKey, this.config.apiSecret);
    }
    throw new DeliveryError({
      code: 'auth',
      provider: 'vonage',
      retryable: false,
      message: voice
        ? 'the Vonage Voice API needs an application id and private key'
        : 'Vonage needs an API key and secret or an application id and private key',
    });
  }

  private sender(from: string | undefined, channel: string): string {
    if (from) return from.replace(/^\+/, '');
    throw new DeliveryError({
      code: 'rejected',
      provider: 'vonage',
      retryable: false,
      message: `no Vonage sender is configured for ${channel}`,
    });
  }
}

/** Messages API error codes (the fragment of the problem `type` URL) that say more than the status. */
const codesByVonageCode: Record<string, DeliveryErrorCode> = {
  '1000': 'rate_limited', // throttled
  '1030': 'provider_error', // internal error
  '1040': 'invalid_recipient', // unrecognised number prefix
  '1050': 'rejected', // number barred
  '1060': 'auth', // account barred
  '1070': 'rejected', // quota exceeded
  '1100': 'provider_error', // communication failed
  '1120': 'rejected', // sender id refused by local rules
};

/** Maps Vonage's RFC 7807 problem JSON `{type, title, detail, instance, invalid_parameters?}`. */
function vonageError(httpStatus: number, body: unknown): DeliveryError {
  const problem = isRecord(body) ? body : {};
  const type = typeof problem.type === 'string' ? problem.type : '';
  const vonageCode = /#(\w[\w-]*)$/.exec(type)?.[1];
  const code =
    (vonageCode ? codesByVonageCode[vonageCode] : undefined) ?? codeFromStatus(httpStatus, problem);
  const retryable =
    code === 'rate_limited' ||
    code === 'timeout' ||
    (code === 'provider_error' && (httpStatus >= 500 || vonageCode === '1100' || vonageCode === '1030'));
  const title = providerText(problem.title, `Vonage answered HTTP ${httpStatus}`);
  const detail = providerText(problem.detail, '');
  return new DeliveryError({
    code,
    provider: 'vonage',
    retryable,
    httpStatus,
    ...(vonageCode === undefined ? {} : { providerCode: vonageCode }),
    message: detail ? `${title}: ${detail}` : title,
  });
}

function codeFromStatus(httpStatus: number, problem: Record<string, unknown>): DeliveryErrorCode {
  if (httpStatus === 401) return 'auth';
  if (httpStatus === 429) return 'rate_limited';
  if (httpStatus === 402 || httpStatus === 403) return 'rejected';
  if ((httpStatus === 400 || httpStatus === 422) && namesRecipient(problem.invalid_parameters)) {
    return 'invalid_recipient';
  }
  return 'provider_error';
}

function namesRecipient(invalidParameters: unknown): boolean {
  return (
    Array.isArray(invalidParameters) &&
    invalidParameters.some(
      (parameter) => isRecord(parameter) && /^to(\b|\.|\[|$)/.test(String(parameter.name)),
    )
  );
}
