import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ObservedScope, VerificationObserver } from '../verification/index.js';

/**
 * Prometheus metrics of one server process (prom-client). Labels are site keys, channels, methods,
 * countries, APIs and reasons — never phone numbers or anything a user typed. The product counters
 * move only through {@link Metrics.observer}, the port the verification service and the fraud
 * guard report to.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly verificationsStarted = this.counter(
    'proofline_verifications_started_total',
    'Verifications started, by site, country, first step (channel) and method.',
    ['site', 'country', 'channel', 'method'],
  );

  readonly verificationsApproved = this.counter(
    'proofline_verifications_approved_total',
    'Verifications approved, by site, country, the channel that proved the number and method.',
    ['site', 'country', 'channel', 'method'],
  );

  readonly verificationsFailed = this.counter(
    'proofline_verifications_failed_total',
    'Verifications that ended without approval (expired, max_attempts_reached, failed), by method and channel.',
    ['site', 'status', 'channel', 'method'],
  );

  readonly sends = this.counter(
    'proofline_messages_sent_total',
    'Codes a provider took for delivery, by site, channel and destination country.',
    ['site', 'channel', 'country'],
  );

  readonly deliveryFailures = this.counter(
    'proofline_delivery_failures_total',
    'Codes a provider refused or could not deliver, by channel and reason.',
    ['site', 'channel', 'reason'],
  );

  readonly refusals = this.counter(
    'proofline_refusals_total',
    'Starts and resends refused before anything was sent, by reason (rate_limited, country_not_allowed, …).',
    ['site', 'reason'],
  );

  readonly blocked = this.counter(
    'proofline_blocked_total',
    'Verifications that ended blocked, by what blocked them (network block or block rule).',
    ['site', 'by'],
  );

  readonly networkBlocks = this.counter(
    'proofline_network_blocks_total',
    'Networks blocked for a site by SMS-pumping detection.',
    ['site'],
  );

  readonly operatorLatency = new Histogram({
    name: 'proofline_operator_call_seconds',
    help: 'Latency of calls to the mobile operator, by API.',
    labelNames: ['api'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly operatorErrors = this.counter(
    'proofline_operator_errors_total',
    'Failed calls to the mobile operator, by API and CAMARA error code.',
    ['api', 'code'],
  );

  readonly storeErrors = this.counter(
    'proofline_store_errors_total',
    'Requests that failed because the store (Redis) did not answer.',
  );

  private counter<Label extends string = never>(
    name: string,
    help: string,
    labelNames: readonly Label[] = [],
  ): Counter<Label> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** The observer port, counting into the metrics above. */
  readonly observer: VerificationObserver;

  constructor() {
    const metrics = this;
    new Gauge({
      name: 'proofline_conversion_ratio',
      help:
        'Verifications approved by a code on a channel divided by the codes sent on it, per site, ' +
        'country and channel, since this process started.',
      labelNames: ['site', 'country', 'channel'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const approved = new Map<string, number>();
        for (const { labels, value } of (await metrics.verificationsApproved.get()).values) {
          const key = scopeKey(labels);
          approved.set(key, (approved.get(key) ?? 0) + value);
        }
        for (const { labels, value } of (await metrics.sends.get()).values) {
          if (value === 0) continue;
          const { site, country, channel } = labels as Record<'site' | 'country' | 'channel', string>;
          this.set({ site, country, channel }, (approved.get(scopeKey(labels)) ?? 0) / value);
        }
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'proofline_process_' });
    this.observer = metricsObserver(this);
  }
}

function scopeKey(labels: Partial<Record<string, string | number>>): string {
  return `${labels.site}\n${labels.country}\n${labels.channel}`;
}

const scope = (event: ObservedScope) => ({ site: event.siteKey, country: event.country ?? 'unknown' });

function metricsObserver(metrics: Metrics): VerificationObserver {
  return {
    started: (event) =>
      metrics.verificationsStarted.inc({
        ...scope(event),
        channel: event.channel ?? 'none',
        method: event.method ?? 'none',
      }),
    sent: (event) => metrics.sends.inc({ ...scope(event), channel: event.channel }),
    deliveryFailed: (event) =>
      metrics.deliveryFailures.inc({ site: event.siteKey, channel: event.channel, reason: event.reason }),
    refused: (event) => metrics.refusals.inc({ site: event.siteKey, reason: event.reason }),
    blocked: (event) => metrics.blocked.inc({ site: event.siteKey, by: event.by }),
    networkBlocked: (event) => metrics.networkBlocks.inc({ site: event.siteKey }),
    approved: (event) =>
      metrics.verificationsApproved.inc({
        ...scope(event),
        channel: event.channel ?? 'none',
        method: event.method ?? 'none',
      }),
    failed: (event) =>
      metrics.verificationsFailed.inc({
        site: event.siteKey,
        status: event.status,
        channel: event.channel ?? 'none',
        method: event.method ?? 'none',
      }),
  };
}
