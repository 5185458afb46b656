import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of one server process (prom-client). Labels are channels, methods, countries,
 * APIs and reasons — never phone numbers or anything a user typed.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly verificationsStarted = new Counter({
    name: 'proofline_verifications_started_total',
    help: 'Verifications started, by first channel and method.',
    labelNames: ['channel', 'method'] as const,
    registers: [this.registry],
  });

  readonly verificationsApproved = new Counter({
    name: 'proofline_verifications_approved_total',
    help: 'Verifications approved, by channel and method.',
    labelNames: ['channel', 'method'] as const,
    registers: [this.registry],
  });

  readonly verificationsFailed = new Counter({
    name: 'proofline_verifications_failed_total',
    help: 'Verifications that ended without approval, by final status.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly sends = new Counter({
    name: 'proofline_messages_sent_total',
    help: 'Codes sent, by channel and destination country.',
    labelNames: ['channel', 'country'] as const,
    registers: [this.registry],
  });

  readonly deliveryFailures = new Counter({
    name: 'proofline_delivery_failures_total',
    help: 'Messages a provider refused or could not deliver, by channel and reason.',
    labelNames: ['channel', 'reason'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'proofline_rate_limited_total',
    help: 'Requests refused by a rate limit, by bucket.',
    labelNames: ['bucket'] as const,
    registers: [this.registry],
  });

  readonly blocked = new Counter({
    name: 'proofline_blocked_total',
    help: 'Sends or verifications stopped by a block, by reason.',
    labelNames: ['reason'] as const,
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

  constructor() {
    const metrics = this;
    new Gauge({
      name: 'proofline_conversion_ratio',
      help: 'Approved verifications divided by started ones, since this process started.',
      registers: [this.registry],
      async collect() {
        const started = sum(await metrics.verificationsStarted.get());
        const approved = sum(await metrics.verificationsApproved.get());
        this.set(started === 0 ? 0 : approved / started);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'proofline_process_' });
  }
}

function sum(metric: { values: { value: number }[] }): number {
  return metric.values.reduce((total, entry) => total + entry.value, 0);
}
