import { type Channel, channelFallbackOrder } from '@proofline/shared';
import type { Clock } from '../clock/index.js';
import { MessagingConfig, type MessagingConfigInput } from './config.js';
import { DevInbox } from './dev-inbox/index.js';
import {
  DeliveryError,
  type MessageSender,
  type MessagingProvider,
  type OutgoingMessage,
  type SendReceipt,
} from './port.js';
import type { Fetch } from './provider-http.js';
import { SmtpSender } from './smtp/index.js';
import { TwilioSender } from './twilio/index.js';
import { VonageSender } from './vonage/index.js';

/** The few logger methods messaging uses; pino's Logger fits. */
export interface MessagingLogger {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
}

interface Route {
  provider: MessagingProvider;
  sender: MessageSender;
}

/**
 * The messaging port as the domains see it: one `send`, routed to the provider configured for the
 * message's channel. Logs what was sent to whom (never the body: it holds the code).
 */
export class Messaging implements MessageSender {
  constructor(
    private readonly routes: Partial<Record<Channel, Route>>,
    /** The dev inbox when some channel uses it, for the /dev/inbox routes; else null. */
    readonly devInbox: DevInbox | null,
    private readonly logger?: MessagingLogger,
    private readonly onClose: () => void = () => {},
  ) {}

  /** The channels that can be sent on, in the default fallback order. */
  get channels(): Channel[] {
    return channelFallbackOrder.filter((channel) => this.routes[channel] !== undefined);
  }

  supports(channel: Channel): boolean {
    return this.routes[channel] !== undefined;
  }

  providerFor(channel: Channel): MessagingProvider | null {
    return this.routes[channel]?.provider ?? null;
  }

  async send(message: OutgoingMessage): Promise<SendReceipt> {
    const route = this.routes[message.channel];
    const context = {
      channel: message.channel,
      verificationId: message.verificationId,
      siteKey: message.siteKey,
    };
    if (!route) {
      throw new DeliveryError({
        code: 'rejected',
        provider: 'none',
        retryable: false,
        message: `no provider is configured for ${message.channel}`,
      });
    }
    try {
      const receipt = await route.sender.send(message);
      this.logger?.info(
        { ...context, provider: receipt.provider, providerMessageId: receipt.providerMessageId },
        'message accepted by provider',
      );
      return receipt;
    } catch (error) {
      const failure =
        error instanceof DeliveryError
          ? error
          : new DeliveryError({
              code: 'provider_error',
              provider: route.provider,
              retryable: false,
              message: `${route.provider} failed unexpectedly`,
              cause: error,
            });
      this.logger?.warn(
        {
          ...context,
          provider: failure.provider,
          deliveryError: failure.code,
          retryable: failure.retryable,
          httpStatus: failure.httpStatus,
          providerCode: failure.providerCode,
        },
        `message not accepted: ${failure.message}`,
      );
      throw failure;
    }
  }

  close(): void {
    this.onClose();
  }
}

export interface MessagingDeps {
  clock: Clock;
  fetch?: Fetch;
  logger?: MessagingLogger;
}

/** Builds the senders the configuration names, one instance per provider shared by its channels. */
export function createMessaging(
  input: MessagingConfigInput | MessagingConfig,
  deps: MessagingDeps,
): Messaging {
  const config = MessagingConfig.parse(input);
  const timeoutMs = config.timeoutMs;
  const providerDeps = { clock: deps.clock, ...(deps.fetch ? { fetch: deps.fetch } : {}) };
  let devInbox: DevInbox | null = null;
  let twilio: TwilioSender | undefined;
  let vonage: VonageSender | undefined;
  let smtp: SmtpSender | undefined;

  const build = (provider: MessagingProvider): Route => {
    switch (provider) {
      case 'dev':
        devInbox ??= new DevInbox({ clock: deps.clock, capacity: config.devInboxCapacity });
        return { provider, sender: devInbox };
      case 'twilio':
        twilio ??= new TwilioSender({ ...config.twilio!, timeoutMs }, providerDeps);
        return { provider, sender: twilio };
      case 'vonage':
        vonage ??= new VonageSender({ ...config.vonage!, timeoutMs }, providerDeps);
        return { provider, sender: vonage };
      case 'smtp':
        smtp ??= new SmtpSender({ ...config.smtp!, timeoutMs }, { clock: deps.clock });
        return { provider, sender: smtp };
    }
  };

  const routes: Partial<Record<Channel, Route>> = {};
  for (const channel of channelFallbackOrder) {
    const provider = config[channel];
    if (provider !== 'off') routes[channel] = build(provider);
  }
  return new Messaging(routes, devInbox, deps.logger, () => smtp?.close());
}
