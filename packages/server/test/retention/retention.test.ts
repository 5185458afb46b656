import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { createLogger } from '../../src/logging/index.js';
import { createMessaging } from '../../src/messaging/index.js';
import { RetentionJob } from '../../src/retention/index.js';
import type { Store } from '../../src/store/index.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { RedisStore } from '../../src/store/redis/index.js';
import { demoSite, SettingsRepository } from '../../src/tenants/index.js';
import { TokenIssuer } from '../../src/tokens/index.js';
import { createOtpCodes, VerificationRepository, VerificationService } from '../../src/verification/index.js';
import { REDIS_URL, testKeyPrefix } from '../support/server.js';

const DAY = 86_400_000;
const caller = { siteKey: demoSite.siteKey, surface: 'api' as const, ip: '127.0.0.1' };
const runPrefix = testKeyPrefix('retention');
const opened: Store[] = [];

afterAll(async () => {
  for (const store of opened) await store.close();
  const admin = new Redis(REDIS_URL);
  const keys = await admin.keys(`${runPrefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  admin.disconnect();
});

function openStore(kind: 'memory' | 'redis', clock: ManualClock): Store {
  if (kind === 'memory') return new MemoryStore(clock);
  const store = new RedisStore({ url: REDIS_URL, keyPrefix: `${runPrefix}${randomUUID().slice(0, 6)}:` });
  opened.push(store);
  return store;
}

/** The verification service on its own store, with a retention job of 30 days over the same records. */
async function setup(kind: 'memory' | 'redis', clock: ManualClock) {
  const store = openStore(kind, clock);
  const logger = createLogger('silent');
  const settings = new SettingsRepository(store);
  const records = new VerificationRepository(store, 30 * DAY);
  const verification = new VerificationService({
    repository: records,
    clock,
    logger,
    codes: createOtpCodes('a-server-secret-of-at-least-32-characters'),
    messaging: createMessaging({}, { clock, logger }),
    tokens: await TokenIssuer.create({ issuer: 'urn:test', clock }),
    loadSettings: () => settings.get(demoSite),
  });
  const job = new RetentionJob({ records, clock, logger, retentionDays: 30, pageSize: 2 });
  return { store, records, verification, job };
}

describe.each(['memory', 'redis'] as const)('retention job on the %s store', (kind) => {
  it('deletes records older than RETENTION_DAYS, keeps younger ones', async () => {
    const clock = new ManualClock();
    const { job, verification } = await setup(kind, clock);
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
  });

  it('keeps an approved record for the whole retention, then deletes it and its attempt counter', async () => {
    const clock = new ManualClock();
    const { job, verification, store } = await setup(kind, clock);
    const started = await verification.start(caller, { phone: '+447400100123' });
    await verification.check(caller, { verificationId: started.record.id }, '000000');
    const keys = [`ver:{${started.record.id}}`, `ver:{${started.record.id}}:attempts`];
    expect((await store.getMany(keys)).every((value) => value !== null)).toBe(true);

    // Exactly RETENTION_DAYS old is still kept; one millisecond more is past it.
    clock.advance(30 * DAY);
    expect(await job.sweep()).toBe(0);
    clock.advance(1);
    expect(await job.sweep()).toBe(1);
    expect(await store.getMany(keys)).toEqual([null, null]);
  });
});

describe('retention job schedule', () => {
  it('sweeps when started, tries again after a failed sweep, and stops', async () => {
    const clock = new ManualClock();
    const { records, verification } = await setup('memory', clock);
    await verification.start(caller, { phone: '+447400100200' });
    clock.advance(31 * DAY);
    let purged = 0;
    let calls = 0;
    const job = new RetentionJob({
      records: {
        async createdBefore(cutoff, limit) {
          calls += 1;
          // The store is down for the first sweep: logged, and the next interval tries again.
          if (calls === 1) throw new Error('store unavailable');
          return records.createdBefore(cutoff, limit);
        },
        async purge(ids) {
          purged += ids.length;
          await records.purge(ids);
        },
      },
      clock,
      logger: createLogger('silent'),
      retentionDays: 30,
      intervalMs: 10,
    });
    job.start();
    await expect.poll(() => purged).toBe(1);
    await job.stop();
  });
});
