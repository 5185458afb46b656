import { Cluster } from 'ioredis';
import { StoreUnavailableError } from '../port.js';
import type { RedisClient } from './connection.js';

/**
 * The store's publish/subscribe listeners on a connection of their own in subscriber mode (Redis
 * allows no other commands on it), made on first use. Channel names arrive already prefixed.
 */
export class RedisSubscriptions {
  private subscriber: RedisClient | undefined;
  private readonly listeners = new Map<string, ((message: string) => void)[]>();
  private readonly onMissed: (() => void)[] = [];

  constructor(
    private readonly client: RedisClient,
    /** Names the connection (`<prefix>subscriber`), so an operator or a test can tell it apart in CLIENT LIST. */
    private readonly connectionName: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Waits for Redis to confirm at most the timeout; when it cannot, the subscription is still
   * made as soon as Redis is back (and ioredis renews it after every reconnect).
   */
  async subscribe(
    channel: string,
    listener: (message: string) => void,
    onMissed?: () => void,
  ): Promise<void> {
    if (onMissed) this.onMissed.push(onMissed);
    const existing = this.listeners.get(channel);
    this.listeners.set(channel, [...(existing ?? []), listener]);
    if (existing) return;
    this.subscriber ??= this.open();
    const subscribed = this.subscriber.subscribe(channel);
    subscribed.catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError(new Error('redis subscribe timed out'))),
        this.timeoutMs,
      );
    });
    try {
      await Promise.race([subscribed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.subscriber?.disconnect();
  }

  private open(): RedisClient {
    // Queued until connected, unlike the fail-fast commands: a subscription must not be lost.
    const { connectionName } = this;
    const subscriber =
      this.client instanceof Cluster
        ? this.client.duplicate(undefined, {
            enableOfflineQueue: true,
            redisOptions: { ...this.client.options.redisOptions, connectionName },
          })
        : this.client.duplicate({ enableOfflineQueue: true, connectionName });
    subscriber.on('error', () => {});
    subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener(message);
    });
    // Every 'ready' after the first is a reconnect: what was published meanwhile never arrived.
    let connectedBefore = false;
    subscriber.on('ready', () => {
      if (connectedBefore) for (const missed of this.onMissed) missed();
      connectedBefore = true;
    });
    return subscriber;
  }
}
