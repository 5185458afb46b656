import { type MessageSender, type OutgoingMessage, refused, type SendReceipt } from '../port.js';
import { basicAuth, ProviderApi, type ProviderApiConfig, type ProviderApiDeps } from '../provider-http.js';
import { voiceLanguage } from '../templates/index.js';
import { twilioError } from './twilio-errors.js';
import { escapeXml } from './twiml.js';

export interface TwilioConfig extends ProviderApiConfig {
  accountSid: string;
  authToken: string;
  /** Sender number (E.164) for sms and voice. */
  from?: string;
  /** Used instead of `from` for sms when set: Twilio then picks the sender. */
  messagingServiceSid?: string;
  /** WhatsApp sender number (E.164), without the `whatsapp:` prefix. */
  whatsappFrom?: string;
}

/**
 * Twilio's Programmable Messaging (sms, whatsapp) and Voice (a call that reads the body with
 * `<Say>`), spoken to over its 2010-04-01 REST API: form-encoded bodies, Basic auth SID:token.
 */
export class TwilioSender implements MessageSender {
  private readonly api: ProviderApi;

  constructor(
    private readonly config: TwilioConfig,
    deps: ProviderApiDeps,
  ) {
    this.api = new ProviderApi('twilio', 'https://api.twilio.com', config, deps, twilioError);
  }

  async send(message: OutgoingMessage): Promise<SendReceipt> {
    const { resource, form } = this.request(message);
    return this.api.send({
      channel: message.channel,
      path: `/2010-04-01/Accounts/${encodeURIComponent(this.config.accountSid)}/${resource}`,
      headers: {
        authorization: basicAuth(this.config.accountSid, this.config.authToken),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form).toString(),
      idField: 'sid',
    });
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
        const language = voiceLanguage(message.locale);
        const twiml = `<Response><Say language="${language}">${escapeXml(message.body)}</Say></Response>`;
        return {
          resource: 'Calls.json',
          form: { To: message.to, From: this.requireSender(this.config.from, 'voice'), Twiml: twiml },
        };
      }
      case 'email':
        throw refused(
          'twilio',
          'Twilio does not send email in Proofline; configure SMTP for the email channel',
        );
    }
  }

  private requireSender(from: string | undefined, channel: string): string {
    if (from) return from;
    throw refused('twilio', `no Twilio sender is configured for ${channel}`);
  }
}
