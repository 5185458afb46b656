import { randomUUID } from 'node:crypto';
import type { Channel } from '@proofline/shared';
import type { Clock } from '../../clock/index.js';
import type { MessageSender, OutgoingMessage, SendReceipt } from '../port.js';

/** One message as the dev inbox shows it (snake_case: it is served as JSON as it is). */
export interface InboxMessage {
  id: string;
  to: string;
  channel: Channel;
  body: string;
  subject?: string;
  sent_at: string;
  site_key: string;
}

export interface DevInboxOptions {
  clock: Clock;
  /** Oldest messages are dropped past this many, so a long-running dev server stays small. */
  capacity?: number;
}

/**
 * The embedded "provider": keeps what would have been sent, newest first, in memory, so a developer
 * (or a test) reads the code at /dev/inbox instead of on a phone.
 */
export class DevInbox implements MessageSender {
  private readonly messages: InboxMessage[] = [];
  private readonly clock: Clock;
  private readonly capacity: number;

  constructor(options: DevInboxOptions) {
    this.clock = options.clock;
    this.capacity = options.capacity ?? 500;
  }

  async send(message: OutgoingMessage): Promise<SendReceipt> {
    const sentAt = new Date(this.clock.now()).toISOString();
    const stored: InboxMessage = {
      id: `msg_${randomUUID().replaceAll('-', '')}`,
      to: message.to,
      channel: message.channel,
      body: message.body,
      ...(message.subject === undefined ? {} : { subject: message.subject }),
      sent_at: sentAt,
      site_key: message.siteKey,
    };
    this.messages.unshift(stored);
    if (this.messages.length > this.capacity) this.messages.length = this.capacity;
    return { provider: 'dev', channel: message.channel, providerMessageId: stored.id, acceptedAt: sentAt };
  }

  /** Newest first; only those sent to `to` when given (an E.164 number, with or without `+`, or an address). */
  list(filter: { to?: string | null; limit?: number } = {}): { messages: InboxMessage[] } {
    const to = normalizeRecipient(filter.to);
    const matching = to === null ? this.messages : this.messages.filter((message) => message.to === to);
    return { messages: matching.slice(0, filter.limit ?? this.capacity) };
  }

  clear(): void {
    this.messages.length = 0;
  }
}

/**
 * `?to=+4474…` arrives as `" 4474…"` when the `+` is not URL-encoded, and Vonage users write
 * numbers without it: all of them mean the same E.164 number.
 */
function normalizeRecipient(to: string | null | undefined): string | null {
  const trimmed = to?.trim();
  if (!trimmed) return null;
  if (/^\d{6,15}$/.test(trimmed)) return `+${trimmed}`;
  return trimmed.includes('@') ? trimmed.toLowerCase() : trimmed;
}
