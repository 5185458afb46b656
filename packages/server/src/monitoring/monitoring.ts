import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  type DeleteMonitorOutput,
  type MonitoredEvent,
  type MonitorInput,
  type MonitorOutput,
  maskPhone,
  type Settings,
} from '@proofline/shared';
import { phone } from '@proofline/shared/phone';
import type { Clock } from '../clock/index.js';
import { ProoflineError } from '../errors.js';
import { fromOperator, type LineEvent, type LineSubscription, type Operator } from '../operator/index.js';
import type { Store } from '../store/index.js';
import type { VerificationWebhooks } from '../verification/index.js';

export type PhoneMonitoringDeps = {
  store: Store;
  clock: Clock;
  operator: Operator;
  /** The URL the operator POSTs one monitor's CloudEvents to (`/v1/phone/monitor/:id/events`). */
  sinkUrl: (subscriptionId: string) => string;
  loadSettings: (siteKey: string) => Promise<Settings>;
  webhooks: VerificationWebhooks;
};

/** A watch as stored: who asked, on which number, and the operator subscriptions behind it. */
type MonitorRecord = {
  id: string;
  siteKey: string;
  phone: string;
  events: MonitoredEvent[];
  createdAt: number;
  expiresAt: number | null;
  /** SHA-256 of the bearer token the operator presents at the sink (the token itself is not kept). */
  sinkTokenHash: string;
  operatorSubscriptions: LineSubscription[];
};

/** Without `expires_at` the sink token (and so the watch) lasts a year, the longest a site should forget one. */
const defaultLifetimeMs = 365 * 86_400_000;
/** The operator may deliver the subscription-ended event a little after the end. */
const recordGraceMs = 86_400_000;

const keyOf = (id: string) => `monitor:{${id}}`;
const hashToken = (token: string) => createHash('sha256').update(token).digest();

/**
 * SIM-swap (and roaming, reachability) monitoring: a site watches a number, the operator's CAMARA
 * subscriptions report to our sink, and each report goes to the site's webhook, signed like every
 * webhook. The operator authenticates at the sink with a token made per watch.
 */
export class PhoneMonitoring {
  constructor(private readonly deps: PhoneMonitoringDeps) {}

  async subscribe(siteKey: string, input: MonitorInput): Promise<MonitorOutput> {
    const parsed = phone.parse(input.phone, input.country);
    if (!parsed.ok) throw new ProoflineError('invalid_phone', undefined, { reason: parsed.reason });
    const now = this.deps.clock.now();
    const expiresAt = input.expires_at === undefined ? null : Date.parse(input.expires_at);
    if (expiresAt !== null && expiresAt <= now) {
      throw new ProoflineError('bad_request', 'expires_at must be in the future.', [
        { path: 'expires_at', code: 'too_small', message: 'must be in the future' },
      ]);
    }
    const id = `mon_${randomBytes(18).toString('base64url')}`;
    const sinkToken = randomBytes(32).toString('base64url');
    const sinkTokenExpiresAt = expiresAt ?? now + defaultLifetimeMs;
    const created: LineSubscription[] = [];
    try {
      for (const event of input.events) {
        const subscriptions = await fromOperator(() =>
          this.deps.operator.subscriptions.create({
            phoneNumber: parsed.e164,
            event,
            sink: this.deps.sinkUrl(id),
            sinkToken: { accessToken: sinkToken, expiresAt: sinkTokenExpiresAt },
            expiresAt,
          }),
        );
        created.push(...subscriptions);
      }
    } catch (error) {
      await this.deleteAtOperator(created);
      throw error;
    }
    const record: MonitorRecord = {
      id,
      siteKey,
      phone: parsed.e164,
      events: input.events,
      createdAt: now,
      expiresAt,
      sinkTokenHash: hashToken(sinkToken).toString('base64url'),
      operatorSubscriptions: created,
    };
    await this.deps.store.set(keyOf(id), JSON.stringify(record), {
      ttlMs: sinkTokenExpiresAt - now + recordGraceMs,
    });
    return view(record);
  }

  async unsubscribe(siteKey: string, id: string): Promise<DeleteMonitorOutput> {
    const record = await this.load(id);
    if (!record || record.siteKey !== siteKey) throw new ProoflineError('not_found', 'No such monitor.');
    await fromOperator(() => this.deleteAtOperator(record.operatorSubscriptions));
    await this.deps.store.del([keyOf(id)]);
    return { subscription_id: id, deleted: true };
  }

  /**
   * A CloudEvent the operator POSTed to a watch's sink: checked against the watch's token, then
   * told to the site. Answers false for a token that does not fit (the route answers 401).
   */
  async receive(id: string, bearer: string | undefined, body: unknown): Promise<boolean> {
    const record = await this.load(id);
    if (!record || bearer === undefined) return false;
    const expected = Buffer.from(record.sinkTokenHash, 'base64url');
    if (!timingSafeEqual(expected, hashToken(bearer))) return false;
    const event = this.deps.operator.subscriptions.readEvent(body);
    const mine = event && record.operatorSubscriptions.some((entry) => entry.id === event.subscriptionId);
    if (!event || !mine) {
      throw new ProoflineError('bad_request', 'Not an event of this monitor.');
    }
    if (event.kind === 'ended') {
      await this.ended(record, event.subscriptionId);
      return true;
    }
    const settings = await this.deps.loadSettings(record.siteKey);
    const shown = settings.webhook_full_phone ? record.phone : maskPhone(record.phone);
    const [type, data] = webhookOf(event, shown, record.id);
    await this.deps.webhooks.publish(record.siteKey, type, data);
    return true;
  }

  /** One operator subscription ended (expiry, token, the operator's own reasons): the watch ends with the last. */
  private async ended(record: MonitorRecord, operatorId: string): Promise<void> {
    const left = record.operatorSubscriptions.filter((entry) => entry.id !== operatorId);
    const key = keyOf(record.id);
    const stored = JSON.stringify(record);
    if (left.length === 0) {
      await this.deps.store.compareAndDelete(key, stored);
      return;
    }
    const ttlMs = (await this.deps.store.ttlMs(key)) ?? undefined;
    await this.deps.store.compareAndSet(
      key,
      stored,
      JSON.stringify({ ...record, operatorSubscriptions: left }),
      ttlMs,
    );
  }

  private async deleteAtOperator(subscriptions: LineSubscription[]): Promise<void> {
    await Promise.all(
      subscriptions.map((subscription) => this.deps.operator.subscriptions.delete(subscription)),
    );
  }

  private async load(id: string): Promise<MonitorRecord | null> {
    const stored = await this.deps.store.get(keyOf(id));
    return stored === null ? null : (JSON.parse(stored) as MonitorRecord);
  }
}

function view(record: MonitorRecord): MonitorOutput {
  return {
    subscription_id: record.id,
    phone: record.phone,
    events: record.events,
    created_at: new Date(record.createdAt).toISOString(),
    expires_at: record.expiresAt === null ? null : new Date(record.expiresAt).toISOString(),
  };
}

function webhookOf(
  event: Exclude<LineEvent, { kind: 'ended' }>,
  shownPhone: string,
  subscriptionId: string,
): ['sim_swap.detected' | 'roaming.changed' | 'reachability.changed', Record<string, unknown>] {
  switch (event.kind) {
    case 'sim_swap':
      return [
        'sim_swap.detected',
        { phone: shownPhone, swapped_at: event.time, subscription_id: subscriptionId },
      ];
    case 'roaming':
      return [
        'roaming.changed',
        {
          phone: shownPhone,
          roaming: event.roaming,
          country_code: event.countryCode,
          country_names: event.countryNames,
          changed_at: event.time,
          subscription_id: subscriptionId,
        },
      ];
    case 'reachability':
      return [
        'reachability.changed',
        {
          phone: shownPhone,
          reachable: event.reachable,
          connectivity: event.connectivity.map((kind) => (kind === 'DATA' ? 'data' : 'sms')),
          changed_at: event.time,
          subscription_id: subscriptionId,
        },
      ];
  }
}
