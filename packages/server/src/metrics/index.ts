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

  readonly verificationsStarted = new Counter({
    name: 'proofline_verifications_started_total',
    help: 'Verifications started, by site, country, first step (channel) and method.',
    labelNames: ['site', 'country', 'channel', 'method'] as const,
    registers: [this.registry],
  });

  readonly verificationsApproved = new Counter({
    name: 'proofline_verifications_approved_total',
    help: 'Verifications approved, by site, country, the channel that proved the number and method.',
    labelNames: ['site', 'country', 'channel', 'method'] as const,
    registers: [this.registry],
  });

  readonly verificationsFailed = new Counter({
    name: 'proofline_verifications_failed_total',
    help: 'Verifications that ended without approval (expired, max_attempts_reached, failed), by method and channel.',
    labelNames: ['site', 'status', 'channel', 'method'] as const,
    registers: [this.registry],
  });

  readonly sends = new Counter({
    name: 'proofline_messages_sent_total',
    help: 'Codes a provider took for delivery, by site, channel and destination country.',
    labelNames: ['site', 'channel', 'country'] as const,
    registers: [this.registry],
  });

  readonly deliveryFailures = new Counter({
    name: 'proofline_delivery_failures_total',
    help: 'Codes a provider refused or could not deliver, by channel and reason.',
    labelNames: ['site', 'channel', 'reason'] as const,
    registers: [this.registry],
  });

  readonly refusals = new Counter({
    name: 'proofline_refusals_total',
    help: 'Starts and resends refused before anything was sent, by reason (rate_limited, country_not_allowed, …).',
    labelNames: ['site', 'reason'] as const,
    registers: [this.registry],
  });

  readonly blocked = new Counter({
    name: 'proofline_blocked_total',
    help: 'Verifications that ended blocked, by what blocked them (network block or block rule).',
    labelNames: ['site', 'by'] as const,
    registers: [this.registry],
  });

  readonly networkBlocks = new Counter({
    name: 'proofline_network_blocks_total',
    help: 'Networks blocked for a site by SMS-pumping detection.',
    labelNames: ['site'] as const,
    registers: [this.registry],
  });

  readonly operatorLatency = new Histogram({
    name: 'proofline_operator_call_seconds',
    help: 'Latency of calls to the mobile operator, by API.',
    labelNames: ['api'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly operatorErrors = new Counter({
    name: 'proofline_operator_errors_total',
    help: 'Failed calls to the mobile operator, by API and CAMARA error code.',
    labelNames: ['api', 'code'] as const,
    registers: [this.registry],
  });

  readonly storeErrors = new Counter({
    name: 'proofline_store_errors_total',
    help: 'Requests that failed because the store (Redis) did not answer.',
    registers: [this.registry],
  });

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
