import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { RetentionJob } from '../../src/retention/index.js';
import { VerificationRepository } from '../../src/verification/index.js';
import { REDIS_URL, startTestServer, testKeyPrefix } from '../support/server.js';

const DAY = 86_400_000;
const caller = { siteKey: 'pk_test_demo', ip: '127.0.0.1' };
const prefixes: string[] = [];

afterAll(async () => {
  const admin = new Redis(REDIS_URL);
  for (const prefix of prefixes) {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  }
  admin.disconnect();
});

async function serverOn(store: 'memory' | 'redis', clock: ManualClock) {
  const prefix = testKeyPrefix();
  prefixes.push(prefix);
  const server = await startTestServer({
    clock,
    env: { RETENTION_DAYS: '30', ...(store === 'redis' ? { REDIS_URL, REDIS_KEY_PREFIX: prefix } : {}) },
  });
  const job = new RetentionJob({
    records: new VerificationRepository(server.deps.store, 30 * DAY),
    clock,
    logger: server.deps.logger,
    retentionDays: server.deps.config.RETENTION_DAYS,
    pageSize: 2,
  });
  return { server, job, verification: server.deps.verification };
}

describe.each(['memory', 'redis'] as const)('retention job on the %s store', (store) => {
  it('deletes records older than RETENTION_DAYS, keeps younger ones', async () => {
    const clock = new ManualClock();
    const { server, job, verification } = await serverOn(store, clock);
    try {
      // Five old ones: more than one page of two, so the sweep pages until the index is drained.
      const old = [];
      for (let n = 0; n < 5; n += 1)
        old.push(await verification.start(caller, { phone: `+4474001000${10 + n}` }));
      clock.advance(29 * DAY);
      const young = await verification.start(caller, { phone: '+447400100099' });

      expect(await job.sweep()).toBe(0);
      clock.advance(DAY + 1);
      expect(await job.sweep()).toBe(5);

      for (const state of old) {
        await expect(verification.get(caller, state.record.id)).rejects.toMatchObject({ code: 'not_found' });
      }
      expect((await verification.get(caller, young.record.id)).record.phone).toBe('+447400100099');
      expect(await job.sweep()).toBe(0);

      clock.advance(30 * DAY);
      expect(await job.sweep()).toBe(1);
      await expect(verification.get(caller, young.record.id)).rejects.toMatchObject({ code: 'not_found' });
    } finally {
      await server.close();
    }
  });

  it('keeps an approved record for the whole retention, then deletes it and its attempt counter', async () => {
    const clock = new ManualClock();
    const { server, job, verification } = await serverOn(store, clock);
    try {
      const started = await verification.start(caller, { phone: '+447400100123' });
      await verification.check(caller, { verificationId: started.record.id }, '000000');
      const before = await server.deps.store.getMany([
        `ver:{${started.record.id}}`,
        `ver:{${started.record.id}}:attempts`,
      ]);
      expect(before.every((value) => value !== null)).toBe(true);

      // Exactly RETENTION_DAYS old is still kept; one millisecond more is past it.
      clock.advance(30 * DAY);
      expect(await job.sweep()).toBe(0);
      clock.advance(1);
      expect(await job.sweep()).toBe(1);
      const after = await server.deps.store.getMany([
        `ver:{${started.record.id}}`,
        `ver:{${started.record.id}}:attempts`,
      ]);
      expect(after).toEqual([null, null]);
    } finally {
      await server.close();
    }
  });
});

describe('retention job schedule', () => {
  it('sweeps once when started and stops cleanly', async () => {
    const clock = new ManualClock();
    const { server, verification } = await serverOn('memory', clock);
    try {
      await verification.start(caller, { phone: '+447400100200' });
      clock.advance(31 * DAY);
      const records = new VerificationRepository(server.deps.store, 30 * DAY);
      let purged = 0;
      const job = new RetentionJob({
        records: {
          createdBefore: (cutoff, limit) => records.createdBefore(cutoff, limit),
          purge: async (ids) => {
            purged += ids.length;
            await records.purge(ids);
          },
        },
        clock,
        logger: server.deps.logger,
        retentionDays: 30,
      });
      job.start();
      await expect.poll(() => purged).toBe(1);
      await job.stop();
    } finally {
      await server.close();
    }
  });
});
