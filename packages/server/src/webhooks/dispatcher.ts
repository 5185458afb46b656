import { WebhookEventType } from '@proofline/shared';
import { z } from 'zod';
import type { Clock } from '../clock/index.js';
import { ProoflineError } from '../errors.js';
import type { Logger } from '../logging/index.js';
import type { QueueItem, Store } from '../store/index.js';
import { type DeliveryOutcome, postWebhook } from './delivery.js';
import { newWebhookId, webhookHeaders } from './signing.js';
import {
  checkWebhookTarget,
  checkWebhookUrl,
  publicOnlyLookupVia,
  type ResolveHost,
  resolveWithDns,
  type WebhookLookup,
} from './target.js';

/**
 * Waits before the 2nd, 3rd, … attempt (full jitter: a random wait up to each value); past the
 * list, the last value repeats until {@link DEFAULT_RETRY_FOR_MS} has passed.
 */
const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [
  5_000, 30_000, 120_000, 600_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000,
];

/** A site's endpoint may be down over a long weekend: a message is given up only after 3 days. */
export const DEFAULT_RETRY_FOR_MS = 3 * 24 * 3_600_000;

/** How long a successful delivery is remembered, so a crash before the ack never sends it twice. */
const DELIVERED_MEMORY_MS = 7 * 24 * 3_600_000;
const DEAD_LETTER_RETENTION_MS = 30 * 24 * 3_600_000;

const QueuedWebhook = z.object({
  id: z.string(),
  siteKey: z.string(),
  url: z.string(),
  secrets: z.array(z.string()).min(1),
  type: WebhookEventType,
  body: z.string(),
  attempts: z.number().int().min(0),
  enqueuedAt: z.number(),
  lastError: z.string().nullable(),
});
type QueuedWebhook = z.infer<typeof QueuedWebhook>;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export type WebhookEvent = { type: WebhookEventType; data: unknown };

/** A message given up on: kept (without its secrets) for the site owner to inspect or replay. */
export type DeadLetter = {
  webhookId: string;
  siteKey: string;
  url: string;
  type: WebhookEventType;
  body: string;
  attempts: number;
  lastError: string | null;
  failedAt: string;
};

/**
 * The sites' endpoints as their settings say now: an attempt signs with the current secrets (a
 * rotation during 3 days of retries must not strand a message), skips a disabled endpoint, and a
 * `410 Gone` disables it.
 */
export interface WebhookEndpoints {
  current(siteKey: string): Promise<{ url: string | null; secrets: string[]; disabled: boolean } | null>;
  disable(siteKey: string, url: string): Promise<void>;
}

export type DrainReport = { claimed: number; delivered: number; retried: number; deadLettered: number };

export type WebhookDispatcherOptions = {
  store: Store;
  clock: Clock;
  /** `ALLOW_INSECURE_WEBHOOKS`: permits http:// and loopback/internal targets (embedded defaults). */
  allowInsecure: boolean;
  logger?: Pick<Logger, 'info' | 'warn'>;
  queue?: string;
  retryDelaysMs?: readonly number[];
  /** Failed messages are retried at least this long after they were queued (default 3 days). */
  retryForMs?: number;
  endpoints?: WebhookEndpoints;
  /** How webhook host names resolve (DNS unless a test says otherwise). */
  resolveHost?: ResolveHost;
  timeoutMs?: number;
  /** How long a claimed message is reserved for one worker; must exceed the request timeout. */
  leaseMs?: number;
  pollIntervalMs?: number;
  batchSize?: number;
  /** A number in [0, 1) for the jitter. */
  random?: () => number;
};

/**
 * Delivers webhooks from a durable queue in the store, so a restart loses nothing: any dispatcher
 * on the same store picks up where another stopped. Each message is signed per Standard Webhooks,
 * retried with exponential backoff and full jitter, and dead-lettered after the last attempt.
 *
 * Successful delivery happens at most once per `webhook-id`: a message is leased to one worker
 * while it is posted (the request times out well inside the lease), and a 2xx is recorded before
 * the message is acked, so a worker that crashes between the two leaves nothing to send again.
 */
export class WebhookDispatcher {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly queue: string;
  private readonly retryDelaysMs: readonly number[];
  private readonly retryForMs: number;
  private readonly resolveHost: ResolveHost;
  private readonly lookup: WebhookLookup | undefined;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly random: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private draining: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.queue = options.queue ?? 'webhooks';
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.retryForMs = options.retryForMs ?? DEFAULT_RETRY_FOR_MS;
    this.resolveHost = options.resolveHost ?? resolveWithDns;
    this.lookup = options.allowInsecure ? undefined : publicOnlyLookupVia(this.resolveHost);
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.leaseMs = options.leaseMs ?? 4 * this.timeoutMs;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.batchSize = options.batchSize ?? 20;
    this.random = options.random ?? Math.random;
    if (this.leaseMs <= this.timeoutMs)
      throw new Error('webhooks: the lease must outlast the request timeout');
  }

  /** The check a site's webhook URL passes when saved (DNS resolution included): 400 `invalid_webhook_url`. */
  async checkUrl(url: string): Promise<void> {
    await checkWebhookUrl(url, { allowInsecure: this.options.allowInsecure, resolveHost: this.resolveHost });
  }

  /**
   * Queues one event for a site's endpoint, due now. Refuses (ProoflineError `invalid_webhook_url`)
   * a target that is not allowed; answers the `webhook-id` the receiver will see.
   */
  async enqueue(
    siteKey: string,
    url: string,
    secrets: readonly string[],
    event: WebhookEvent,
  ): Promise<{ webhookId: string }> {
    const item = this.prepare(siteKey, url, secrets, event);
    await this.enqueueItem(item);
    return { webhookId: item.id };
  }

  /** Queues an item made by {@link prepare}. */
  async enqueueItem(item: QueueItem): Promise<void> {
    await this.store.enqueue(item.queue, item.id, item.payload, item.dueAtMs);
  }

  /**
   * The queue item {@link enqueue} would write, for a caller that writes it in one atomic step
   * with the state change it tells of (`Store.compareAndSetAndEnqueue`).
   */
  prepare(siteKey: string, url: string, secrets: readonly string[], event: WebhookEvent): QueueItem {
    checkWebhookTarget(url, { allowInsecure: this.options.allowInsecure });
    if (secrets.length === 0) throw new ProoflineError('bad_request', 'A webhook needs a signing secret.');
    const now = this.clock.now();
    const item: QueuedWebhook = {
      id: newWebhookId(),
      siteKey,
      url,
      secrets: [...secrets],
      type: WebhookEventType.parse(event.type),
      body: JSON.stringify({ type: event.type, timestamp: new Date(now).toISOString(), data: event.data }),
      attempts: 0,
      enqueuedAt: now,
      lastError: null,
    };
    return { queue: this.queue, id: item.id, payload: JSON.stringify(item), dueAtMs: now };
  }

  /** Claims the messages due now (one batch) and attempts each once. */
  async drainOnce(): Promise<DrainReport> {
    const claimed = await this.store.claim(this.queue, this.clock.now(), this.leaseMs, this.batchSize);
    const report: DrainReport = { claimed: claimed.length, delivered: 0, retried: 0, deadLettered: 0 };
    await Promise.all(
      claimed.map(async ({ id, payload }) => {
        const outcome = await this.attempt(id, payload);
        report[outcome] += 1;
      }),
    );
    return report;
  }

  /** Polls the queue until {@link stop}; a full batch is followed at once by the next. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const tick = async (): Promise<void> => {
      let full = false;
      try {
        const report = await this.drainOnce();
        full = report.claimed === this.batchSize;
      } catch (error) {
        this.options.logger?.warn({ err: error }, 'webhook queue unavailable');
      }
      if (this.running) this.timer = setTimeout(run, full ? 0 : this.pollIntervalMs);
    };
    const run = () => {
      this.draining = tick();
    };
    this.timer = setTimeout(run, 0);
  }

  /** Stops polling and waits for the attempts in flight. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.draining;
  }

  /** The most recent dead letters, newest first. */
  async deadLetters(limit = 50): Promise<DeadLetter[]> {
    const entries = await this.store.sortedRange(this.deadLetterKey(), 0, Number.POSITIVE_INFINITY, {
      reverse: true,
      limit,
    });
    return entries.map((entry) => JSON.parse(entry.member) as DeadLetter);
  }

  private deliveredKey(id: string): string {
    return `webhooks:delivered:{${id}}`;
  }

  private deadLetterKey(): string {
    return `webhooks:dead:{${this.queue}}`;
  }

  private async attempt(id: string, payload: string): Promise<'delivered' | 'retried' | 'deadLettered'> {
    const parsed = QueuedWebhook.safeParse(parseJson(payload));
    if (!parsed.success) {
      this.options.logger?.warn({ webhookId: id }, 'unreadable webhook dropped');
      await this.store.ack(this.queue, id);
      return 'deadLettered';
    }
    const item = parsed.data;
    if ((await this.store.get(this.deliveredKey(id))) !== null) {
      await this.store.ack(this.queue, id);
      return 'delivered';
    }

    const now = this.clock.now();
    const endpoint = await this.options.endpoints?.current(item.siteKey);
    const sameUrl = endpoint?.url === item.url;
    if (sameUrl && endpoint?.disabled) {
      await this.deadLetter({ ...item, lastError: 'endpoint disabled' }, now);
      return 'deadLettered';
    }
    // The site's secrets now, so a rotation during the retries does not strand the message.
    const secrets = sameUrl && endpoint.secrets.length > 0 ? endpoint.secrets : item.secrets;
    const outcome = await this.post({ ...item, secrets }, now);
    const attempts = item.attempts + 1;
    const log = { webhookId: id, siteKey: item.siteKey, type: item.type, attempt: attempts };
    if (outcome.ok) {
      await this.store.set(this.deliveredKey(id), String(now), { ttlMs: DELIVERED_MEMORY_MS });
      await this.store.ack(this.queue, id);
      this.options.logger?.info({ ...log, status: outcome.status }, 'webhook delivered');
      return 'delivered';
    }

    const failed: QueuedWebhook = { ...item, attempts, lastError: outcome.reason };
    if (outcome.gone && outcome.status === 410) {
      await this.options.endpoints?.disable(item.siteKey, item.url);
      this.options.logger?.warn({ ...log }, 'webhook endpoint answered 410 Gone: disabled');
    }
    const scheduleDone = attempts > this.retryDelaysMs.length && now - item.enqueuedAt >= this.retryForMs;
    if (outcome.gone || scheduleDone) {
      await this.deadLetter(failed, now);
      this.options.logger?.warn({ ...log, reason: outcome.reason }, 'webhook dead-lettered');
      return 'deadLettered';
    }
    const delay = this.delayBefore(attempts, outcome.retryAfterMs);
    await this.store.reschedule(this.queue, id, JSON.stringify(failed), now + delay);
    this.options.logger?.info(
      { ...log, reason: outcome.reason, retryInMs: delay },
      'webhook retry scheduled',
    );
    return 'retried';
  }

  private post(item: QueuedWebhook, now: number): Promise<DeliveryOutcome> {
    let target: URL;
    try {
      target = checkWebhookTarget(item.url, { allowInsecure: this.options.allowInsecure });
    } catch {
      return Promise.resolve({
        ok: false,
        status: null,
        reason: 'target refused',
        retryAfterMs: null,
        gone: true,
      });
    }
    return postWebhook(target, webhookHeaders(item.id, now, item.body, item.secrets), item.body, {
      timeoutMs: this.timeoutMs,
      nowMs: now,
      ...(this.lookup ? { lookup: this.lookup } : {}),
    });
  }

  /** Full jitter on the schedule, but never sooner than the receiver's `Retry-After` asks. */
  private delayBefore(attemptsMade: number, retryAfterMs: number | null): number {
    const cap = this.retryDelaysMs[attemptsMade - 1] ?? this.retryDelaysMs.at(-1) ?? 0;
    const jittered = Math.floor(this.random() * cap);
    const longest = this.retryDelaysMs.at(-1) ?? 0;
    return retryAfterMs === null ? jittered : Math.min(Math.max(jittered, retryAfterMs), longest);
  }

  private async deadLetter(item: QueuedWebhook, now: number): Promise<void> {
    const letter: DeadLetter = {
      webhookId: item.id,
      siteKey: item.siteKey,
      url: item.url,
      type: item.type,
      body: item.body,
      attempts: item.attempts,
      lastError: item.lastError,
      failedAt: new Date(now).toISOString(),
    };
    await this.store.sortedAdd(
      this.deadLetterKey(),
      [{ member: JSON.stringify(letter), score: now }],
      DEAD_LETTER_RETENTION_MS,
    );
    await this.store.ack(this.queue, item.id);
  }
}
