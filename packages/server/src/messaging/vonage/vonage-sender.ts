import { type MessageSender, type OutgoingMessage, refused, type SendReceipt } from '../port.js';
import { basicAuth, ProviderApi, type ProviderApiConfig, type ProviderApiDeps } from '../provider-http.js';
import { voiceLanguage } from '../templates/index.js';
import { vonageError } from './vonage-errors.js';
import { VonageJwtSigner } from './vonage-jwt.js';

export interface VonageConfig extends ProviderApiConfig {
  /** API key and secret: Basic auth for the Messages API when no application is configured. */
  apiKey?: string;
  apiSecret?: string;
  /** Application id and its PEM (PKCS#8) private key: a JWT, needed by the Voice API. */
  applicationId?: string;
  privateKey?: string;
  /** Sender for sms (a number or an alphanumeric sender id) and the caller number for voice. */
  from?: string;
  whatsappFrom?: string;
}

/**
 * Vonage's Messages API (sms, whatsapp: `POST /v1/messages`) and Voice API (a call whose NCCO
 * talks: `POST /v1/calls`). Numbers travel without the leading `+`, as Vonage writes them.
 */
export class VonageSender implements MessageSender {
  private readonly api: ProviderApi;
  private readonly jwt: VonageJwtSigner | undefined;

  constructor(
    private readonly config: VonageConfig,
    deps: ProviderApiDeps,
  ) {
    this.api = new ProviderApi('vonage', 'https://api.nexmo.com', config, deps, vonageError);
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
              ncco: [{ action: 'talk', text: message.body, language: voiceLanguage(message.locale) }],
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
    return this.api.send({
      channel: message.channel,
      path,
      headers: {
        authorization: await this.authorization(message.channel === 'voice'),
        'content-type': 'application/json',
      },
      body: JSON.stringify(payload),
      idField,
    });
  }

  private messagesChannel(message: OutgoingMessage): 'sms' | 'whatsapp' {
    if (message.channel === 'sms' || message.channel === 'whatsapp') return message.channel;
    throw refused('vonage', `Vonage does not send ${message.channel} in Proofline`);
  }

  private async authorization(voice: boolean): Promise<string> {
    if (this.jwt) return `Bearer ${await this.jwt.sign()}`;
    if (!voice && this.config.apiKey && this.config.apiSecret) {
      return basicAuth(this.config.apiKey, this.config.apiSecret);
    }
    throw refused(
      'vonage',
      voice
        ? 'the Vonage Voice API needs an application id and private key'
        : 'Vonage needs an API key and secret or an application id and private key',
      'auth',
    );
  }

  private sender(from: string | undefined, channel: string): string {
    if (from) return from.replace(/^\+/, '');
    throw refused('vonage', `no Vonage sender is configured for ${channel}`);
  }
}
