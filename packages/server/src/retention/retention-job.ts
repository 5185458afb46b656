import type { Clock } from '../clock/index.js';
import type { Logger } from '../logging/index.js';

const DAY_MS = 86_400_000;

/** Where old verification records are found and removed (the verification repository fits). */
interface RetainedRecords {
  /** Ids of records created before `cutoffMs`, oldest first, at most `limit`. */
  createdBefore(cutoffMs: number, limit: number): Promise<string[]>;
  /** Deletes the records and drops them from the time index. */
  purge(ids: readonly string[]): Promise<void>;
}

export type RetentionJobDeps = {
  records: RetainedRecords;
  clock: Clock;
  logger: Logger;
  /** `RETENTION_DAYS`: records older than this are deleted. */
  retentionDays: number;
  /** How often a running job sweeps; hourly keeps records at most an hour past their retention. */
  intervalMs?: number;
  /** Records deleted per store round trip. */
  pageSize?: number;
};

/**
 * Deletes verification records (phone numbers, outcomes, risk) once they are older than the
 * configured retention. Time comes from the clock port, so the rule is exact in tests; the store
 * TTLs only back it up. Every instance may run it: deleting twice is harmless.
 */
export class RetentionJob {
  private readonly intervalMs: number;
  private readonly pageSize: number;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> = Promise.resolve();
  private running = false;

  constructor(private readonly deps: RetentionJobDeps) {
    this.intervalMs = deps.intervalMs ?? 3_600_000;
    this.pageSize = deps.pageSize ?? 500;
  }

  /** One pass: deletes every record created before now minus the retention; answers how many. */
  async sweep(): Promise<number> {
    const cutoff = this.deps.clock.now() - this.deps.retentionDays * DAY_MS;
    let deleted = 0;
    for (;;) {
      const ids = await this.deps.records.createdBefore(cutoff, this.pageSize);
      if (ids.length === 0) break;
      await this.deps.records.purge(ids);
      deleted += ids.length;
      if (ids.length < this.pageSize) break;
    }
    if (deleted > 0)
      this.deps.logger.info(
        { deleted, retentionDays: this.deps.retentionDays },
        'retention: records deleted',
      );
    return deleted;
  }

  /** Sweeps now and then every interval until stopped; a failed sweep is logged and retried next time. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const tick = () => {
      this.sweeping = this.sweep()
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'retention sweep failed'))
        .finally(() => {
          if (this.running) this.schedule(tick, this.intervalMs);
        });
    };
    this.schedule(tick, 0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.sweeping;
  }

  private schedule(tick: () => void, delayMs: number): void {
    this.timer = setTimeout(tick, delayMs);
    // A pending sweep never keeps the process alive on its own.
    this.timer.unref();
  }
}
