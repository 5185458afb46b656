import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';

/** One store under test, fresh for each test. */
export type StoreUnderTest = {
  store: Store;
  /**
   * Lets `ms` of time pass for the store's TTLs: the memory store's ManualClock moves; on Redis,
   * every TTL under the test's prefix is shortened (and keys past theirs removed), as time would.
   */
  advance(ms: number): Promise<void>;
  /** Removes everything the test wrote and closes the store. */
  dispose(): Promise<void>;
};

const minute = 60_000;
const t0 = Date.UTC(2026, 11, 1, 12, 0, 0);

/**
 * The behaviour every Store adapter must share, so the domains run the same on memory and Redis.
 * Keys in one test share one hash tag, as the domains' do, so the suite also runs on Redis Cluster.
 */
export function describeStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: Store;
    const k = (key: string) => `t:{c}:${key}`;

    beforeEach(async () => {
      subject = await makeStore();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('tells whether it keeps data across restarts (null: not meant to)', async () => {
      const durability = await store.durability();
      if (durability !== null) {
        expect(durability).toEqual({ persistence: expect.any(Boolean), evictionPolicy: expect.any(String) });
      }
    });

    describe('strings', () => {
      it('gets null for a missing key and what was set otherwise', async () => {
        expect(await store.get(k('a'))).toBeNull();
        expect(await store.set(k('a'), 'one')).toBe(true);
        expect(await store.get(k('a'))).toBe('one');
        expect(await store.set(k('a'), 'two')).toBe(true);
        expect(await store.get(k('a'))).toBe('two');
      });

      it('keeps unicode and empty values intact', async () => {
        await store.set(k('u'), 'ünïcødé ☎ +44 7700 900123');
        await store.set(k('e'), '');
        expect(await store.get(k('u'))).toBe('ünïcødé ☎ +44 7700 900123');
        expect(await store.get(k('e'))).toBe('');
      });

      it('writes nothing with onlyIfAbsent when the key exists', async () => {
        expect(await store.set(k('a'), 'first', { onlyIfAbsent: true })).toBe(true);
        expect(await store.set(k('a'), 'second', { onlyIfAbsent: true })).toBe(false);
        expect(await store.get(k('a'))).toBe('first');
      });

      it('reads many keys in order, null where missing', async () => {
        await store.set(k('x'), '1');
        await store.set(k('z'), '3');
        expect(await store.getMany([k('x'), k('y'), k('z')])).toEqual(['1', null, '3']);
        expect(await store.getMany([])).toEqual([]);
      });

      it('deletes and counts only the keys that existed', async () => {
        await store.set(k('a'), '1');
        await store.set(k('b'), '2');
        expect(await store.del([k('a'), k('b'), k('missing')])).toBe(2);
        expect(await store.get(k('a'))).toBeNull();
        expect(await store.del([k('a')])).toBe(0);
        expect(await store.del([])).toBe(0);
      });
    });

    describe('TTL', () => {
      it('reports the remaining lifetime, null without one or without the key', async () => {
        await store.set(k('ttl'), 'v', { ttlMs: 10 * minute });
        await store.set(k('forever'), 'v');
        const remaining = await store.ttlMs(k('ttl'));
        expect(remaining).toBeGreaterThan(9 * minute);
        expect(remaining).toBeLessThanOrEqual(10 * minute);
        expect(await store.ttlMs(k('forever'))).toBeNull();
        expect(await store.ttlMs(k('missing'))).toBeNull();
      });

      it('expires a key once its lifetime has passed, not before', async () => {
        await store.set(k('a'), 'v', { ttlMs: 10 * minute });
        await subject.advance(9 * minute);
        expect(await store.get(k('a'))).toBe('v');
        await subject.advance(minute);
        expect(await store.get(k('a'))).toBeNull();
        expect(await store.ttlMs(k('a'))).toBeNull();
        expect(await store.set(k('a'), 'again', { onlyIfAbsent: true })).toBe(true);
      });

      it('drops the lifetime when a key is set again without one', async () => {
        await store.set(k('a'), 'v', { ttlMs: minute });
        await store.set(k('a'), 'w');
        expect(await store.ttlMs(k('a'))).toBeNull();
      });
    });

    describe('setIfAbsentOrGet', () => {
      it('sets an absent key and answers null, else answers the value there and changes nothing', async () => {
        expect(await store.setIfAbsentOrGet(k('a'), 'first', minute)).toBeNull();
        expect(await store.setIfAbsentOrGet(k('a'), 'second', 5 * minute)).toBe('first');
        expect(await store.get(k('a'))).toBe('first');
        expect(await store.ttlMs(k('a'))).toBeLessThanOrEqual(minute);
      });

      it('sets a key again after it expired', async () => {
        await store.setIfAbsentOrGet(k('a'), 'first', minute);
        await subject.advance(minute);
        expect(await store.setIfAbsentOrGet(k('a'), 'second')).toBeNull();
        expect(await store.get(k('a'))).toBe('second');
      });
    });

    describe('compareAndSet', () => {
      it('creates only when the key is expected absent and is', async () => {
        expect(await store.compareAndSet(k('a'), null, 'v1')).toBe(true);
        expect(await store.compareAndSet(k('a'), null, 'v2')).toBe(false);
        expect(await store.get(k('a'))).toBe('v1');
      });

      it('replaces only the expected value', async () => {
        await store.set(k('a'), 'v1');
        expect(await store.compareAndSet(k('a'), 'other', 'v2')).toBe(false);
        expect(await store.compareAndSet(k('a'), 'v1', 'v2')).toBe(true);
        expect(await store.get(k('a'))).toBe('v2');
        expect(await store.compareAndSet(k('missing'), 'v1', 'v2')).toBe(false);
        expect(await store.get(k('missing'))).toBeNull();
      });

      it('keeps the lifetime unless given a new one', async () => {
        await store.set(k('a'), 'v1', { ttlMs: 10 * minute });
        await store.compareAndSet(k('a'), 'v1', 'v2');
        expect(await store.ttlMs(k('a'))).toBeGreaterThan(9 * minute);
        await store.compareAndSet(k('a'), 'v2', 'v3', minute);
        expect(await store.ttlMs(k('a'))).toBeLessThanOrEqual(minute);
        await subject.advance(minute);
        expect(await store.get(k('a'))).toBeNull();
      });
    });

    describe('compareAndDelete', () => {
      it('deletes only while the key holds the expected value', async () => {
        await store.set(k('lock'), 'mine');
        expect(await store.compareAndDelete(k('lock'), 'theirs')).toBe(false);
        expect(await store.get(k('lock'))).toBe('mine');
        expect(await store.compareAndDelete(k('lock'), 'mine')).toBe(true);
        expect(await store.get(k('lock'))).toBeNull();
        expect(await store.compareAndDelete(k('lock'), 'mine')).toBe(false);
      });
    });

    describe('counters', () => {
      it('increments by one or by a given amount and answers the total', async () => {
        expect(await store.increment(k('n'))).toBe(1);
        expect(await store.increment(k('n'), 5)).toBe(6);
        expect(await store.increment(k('n'), -2)).toBe(4);
        expect(await store.get(k('n'))).toBe('4');
      });

      it('sets the lifetime when the counter is created, not on later increments', async () => {
        await store.increment(k('n'), 1, minute);
        await subject.advance(minute / 2);
        await store.increment(k('n'), 1, 10 * minute);
        expect(await store.ttlMs(k('n'))).toBeLessThanOrEqual(minute / 2);
        await subject.advance(minute / 2);
        expect(await store.get(k('n'))).toBeNull();
        expect(await store.increment(k('n'), 1, minute)).toBe(1);
      });

      it('getAndIncrement reads the value and counts in one step', async () => {
        expect(await store.getAndIncrement(k('v'), k('attempts'), minute)).toEqual({ value: null, count: 0 });
        expect(await store.get(k('attempts'))).toBeNull();
        await store.set(k('v'), 'record');
        expect(await store.getAndIncrement(k('v'), k('attempts'), minute)).toEqual({
          value: 'record',
          count: 1,
        });
        expect(await store.ttlMs(k('attempts'))).toBeLessThanOrEqual(minute);
        expect(await store.ttlMs(k('v'))).toBeNull();
        await subject.advance(minute);
        expect(await store.getAndIncrement(k('v'), k('attempts'))).toEqual({ value: 'record', count: 1 });
        expect(await store.ttlMs(k('attempts'))).toBeNull();
      });

      it('getAndIncrement counts only for the owner it is told, and writes nothing for anyone else', async () => {
        const record = JSON.stringify({ siteKey: 'pk_a', surface: 'api', nested: { siteKey: 'pk_b' } });
        await store.set(k('v'), record);
        const stranger = { siteKey: 'pk_b', surface: 'api' };
        expect(await store.getAndIncrement(k('v'), k('n'), minute, stranger)).toEqual({
          value: null,
          count: 0,
        });
        expect(
          await store.getAndIncrement(k('v'), k('n'), minute, { siteKey: 'pk_a', surface: 'widget' }),
        ).toEqual({ value: null, count: 0 });
        expect(await store.get(k('n'))).toBeNull();
        const owner = { siteKey: 'pk_a', surface: 'api' };
        expect(await store.getAndIncrement(k('v'), k('n'), minute, owner)).toEqual({
          value: record,
          count: 1,
        });
        await store.set(k('w'), 'not json');
        expect(await store.getAndIncrement(k('w'), k('n'), minute, owner)).toEqual({ value: null, count: 0 });
      });

      describe('getAndIncrement with a guess (a code check)', () => {
        // The number's counter has its own hash tag, as the fraud domain's does: on Cluster it is in
        // another slot than the record.
        const counter = 't:{number}:wrong-codes';
        const owner = { siteKey: 'pk_a', surface: 'api' };
        const open = {
          ...owner,
          status: 'pending',
          expiresAt: t0 + 10 * minute,
          maxAttempts: 3,
          codeHashes: ['hash-new', 'hash-old'],
          wrongCodesKey: counter,
        };
        const guess = (hash: string, nowMs = t0) => ({ hash, nowMs, windowMs: 60 * minute });

        it('counts a wrong code on the counter the record names, and only reads it for a right one', async () => {
          const record = JSON.stringify(open);
          await store.set(k('v'), record);
          const wrong = await store.getAndIncrement(k('v'), k('n'), minute, owner, guess('hash-typo'));
          expect(wrong).toEqual({
            value: record,
            count: 1,
            tally: { matched: false, count: 1, msLeft: expect.any(Number) },
          });
          expect(wrong.tally!.msLeft).toBeGreaterThan(59 * minute);
          expect(wrong.tally!.msLeft).toBeLessThanOrEqual(60 * minute);
          expect(await store.get(counter)).toBe('1');
          expect(await store.ttlMs(counter)).toBeLessThanOrEqual(60 * minute);

          const right = await store.getAndIncrement(k('v'), k('n'), minute, owner, guess('hash-old'));
          expect(right).toEqual({
            value: record,
            count: 2,
            tally: { matched: true, count: 1, msLeft: expect.any(Number) },
          });
          expect(await store.get(counter)).toBe('1');

          // Counts on one counter across verifications; the window set on creation is kept.
          await store.set(k('w'), JSON.stringify({ ...open, codeHashes: ['other'] }));
          await subject.advance(30 * minute);
          const again = await store.getAndIncrement(k('w'), k('m'), minute, owner, guess('hash-typo'));
          expect(again.tally).toMatchObject({ matched: false, count: 2 });
          expect(again.tally!.msLeft).toBeLessThanOrEqual(30 * minute);
        });

        it("counts nothing for a stranger's guess", async () => {
          await store.set(k('v'), JSON.stringify(open));
          const stranger = { siteKey: 'pk_b', surface: 'api' };
          expect(await store.getAndIncrement(k('v'), k('n'), minute, stranger, guess('hash-typo'))).toEqual({
            value: null,
            count: 0,
          });
          expect(await store.get(k('n'))).toBeNull();
          expect(await store.get(counter)).toBeNull();
        });

        it('tallies nothing once the record is final, expired or past its attempts, or names no counter', async () => {
          const { wrongCodesKey: _, ...earlier } = open;
          const cases: [string, object, number][] = [
            ['final', { ...open, status: 'approved' }, t0],
            ['expired', open, t0 + 10 * minute],
            ['a record of an earlier release', earlier, t0],
          ];
          for (const [why, record, nowMs] of cases) {
            const raw = JSON.stringify(record);
            await store.set(k(why), raw);
            const answer = await store.getAndIncrement(
              k(why),
              k(`${why}:n`),
              minute,
              owner,
              guess('x', nowMs),
            );
            expect(answer, why).toEqual({ value: raw, count: 1 });
          }
          await store.set(k('v'), JSON.stringify(open));
          for (let attempt = 1; attempt <= 3; attempt++) {
            const { tally } = await store.getAndIncrement(k('v'), k('n'), minute, owner, guess('x'));
            expect(tally?.count).toBe(attempt);
          }
          const past = await store.getAndIncrement(k('v'), k('n'), minute, owner, guess('x'));
          expect(past).toEqual({ value: JSON.stringify(open), count: 4 });
          expect(await store.get(counter)).toBe('3');
          await store.set(k('plain'), 'not json');
          expect(await store.getAndIncrement(k('plain'), k('n'), minute, undefined, guess('x'))).toEqual({
            value: 'not json',
            count: 5,
          });
        });
      });
    });

    describe('sets', () => {
      it('adds, counts new members, lists and removes', async () => {
        expect(await store.setAdd(k('s'), ['a', 'b'])).toBe(2);
        expect(await store.setAdd(k('s'), ['b', 'c'])).toBe(1);
        expect((await store.setMembers(k('s'))).sort()).toEqual(['a', 'b', 'c']);
        expect(await store.setRemove(k('s'), ['a', 'missing'])).toBe(1);
        expect((await store.setMembers(k('s'))).sort()).toEqual(['b', 'c']);
        expect(await store.setMembers(k('none'))).toEqual([]);
      });

      it('treats empty member lists as no-ops and an emptied set as gone', async () => {
        expect(await store.setAdd(k('s'), [], minute)).toBe(0);
        expect(await store.ttlMs(k('s'))).toBeNull();
        await store.setAdd(k('s'), ['a']);
        expect(await store.setRemove(k('s'), [])).toBe(0);
        await store.setRemove(k('s'), ['a']);
        expect(await store.del([k('s')])).toBe(0);
      });

      it('sets the lifetime when the set is created', async () => {
        await store.setAdd(k('s'), ['a'], minute);
        await store.setAdd(k('s'), ['b'], 10 * minute);
        expect(await store.ttlMs(k('s'))).toBeLessThanOrEqual(minute);
        await subject.advance(minute);
        expect(await store.setMembers(k('s'))).toEqual([]);
      });
    });

    describe('sorted sets', () => {
      const entries = [
        { member: 'c', score: 3 },
        { member: 'a', score: 1 },
        { member: 'b2', score: 2 },
        { member: 'b1', score: 2 },
        { member: 'd', score: 4.5 },
      ];

      it('ranges by score, ties by member, forwards and in reverse, with a limit', async () => {
        await store.sortedAdd(k('z'), entries);
        expect(await store.sortedRange(k('z'), 2, 3)).toEqual([
          { member: 'b1', score: 2 },
          { member: 'b2', score: 2 },
          { member: 'c', score: 3 },
        ]);
        expect(await store.sortedRange(k('z'), 2, 4.5, { reverse: true, limit: 2 })).toEqual([
          { member: 'd', score: 4.5 },
          { member: 'c', score: 3 },
        ]);
        expect(await store.sortedRange(k('z'), 0, 10, { limit: 1 })).toEqual([{ member: 'a', score: 1 }]);
        expect(await store.sortedRange(k('z'), 0, 10, { limit: 0 })).toEqual([]);
        expect(
          (await store.sortedRange(k('z'), Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)).map(
            (entry) => entry.member,
          ),
        ).toEqual(['a', 'b1', 'b2', 'c', 'd']);
        expect(await store.sortedRange(k('missing'), 0, 10)).toEqual([]);
      });

      it('keeps timestamps exact and updates a member score when added again', async () => {
        await store.sortedAdd(k('z'), [{ member: 'm', score: t0 }]);
        await store.sortedAdd(k('z'), [{ member: 'm', score: t0 + 1 }]);
        expect(await store.sortedRange(k('z'), t0, t0 + 1)).toEqual([{ member: 'm', score: t0 + 1 }]);
      });

      it('counts and removes by member or by score range', async () => {
        await store.sortedAdd(k('z'), entries);
        expect(await store.sortedCount(k('z'), 2, 3)).toBe(3);
        expect(await store.sortedCount(k('z'), Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(5);
        expect(await store.sortedRemove(k('z'), ['a', 'missing'])).toBe(1);
        expect(await store.sortedRemove(k('z'), [])).toBe(0);
        expect(await store.sortedRemoveRange(k('z'), 2, 3)).toBe(3);
        expect(await store.sortedRange(k('z'), 0, 10)).toEqual([{ member: 'd', score: 4.5 }]);
        expect(await store.sortedRemove(k('z'), ['d'])).toBe(1);
        expect(await store.del([k('z')])).toBe(0);
      });

      it('sets the lifetime when the sorted set is created, including after it was emptied', async () => {
        await store.sortedAdd(k('z'), [{ member: 'a', score: 1 }], minute);
        await store.sortedAdd(k('z'), [{ member: 'b', score: 2 }], 10 * minute);
        expect(await store.ttlMs(k('z'))).toBeLessThanOrEqual(minute);
        await store.sortedRemove(k('z'), ['a', 'b']);
        await store.sortedAdd(k('z'), [{ member: 'c', score: 3 }], 10 * minute);
        expect(await store.ttlMs(k('z'))).toBeGreaterThan(9 * minute);
        await store.sortedAdd(k('z'), []);
        await subject.advance(10 * minute);
        expect(await store.sortedCount(k('z'), 0, 10)).toBe(0);
      });
    });

    describe('batch', () => {
      it('applies every kind of write', async () => {
        await store.set(k('gone'), 'x');
        await store.batch([
          { op: 'set', key: k('s'), value: 'v', ttlMs: minute },
          { op: 'del', key: k('gone') },
          { op: 'increment', key: k('n'), by: 3, ttlMs: minute },
          { op: 'increment', key: k('n') },
          { op: 'setAdd', key: k('set'), members: ['a', 'b'], ttlMs: minute },
          { op: 'setAdd', key: k('empty'), members: [] },
          { op: 'sortedAdd', key: k('z'), member: 'm', score: t0, ttlMs: minute },
        ]);
        expect(await store.getMany([k('s'), k('gone'), k('n')])).toEqual(['v', null, '4']);
        expect((await store.setMembers(k('set'))).sort()).toEqual(['a', 'b']);
        expect(await store.setMembers(k('empty'))).toEqual([]);
        expect(await store.sortedRange(k('z'), t0, t0)).toEqual([{ member: 'm', score: t0 }]);
        for (const key of ['s', 'n', 'set', 'z']) {
          expect(await store.ttlMs(k(key))).toBeLessThanOrEqual(minute);
        }
        await subject.advance(minute);
        expect(await store.getMany([k('s'), k('n')])).toEqual([null, null]);
      });

      it('counts and trims sorted sets in order with the writes, answering one number per operation', async () => {
        await store.sortedAdd(k('z'), [
          { member: 'old', score: t0 - minute },
          { member: 'a', score: t0 },
        ]);
        const answers = await store.batch([
          { op: 'sortedAdd', key: k('z'), member: 'b', score: t0 + 1, ttlMs: minute },
          { op: 'sortedCount', key: k('z'), min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY },
          { op: 'sortedRemoveRange', key: k('z'), min: Number.NEGATIVE_INFINITY, max: t0 - 1 },
          { op: 'sortedCount', key: k('z'), min: t0, max: t0 + 1 },
          { op: 'sortedRemoveRange', key: k('none'), min: 0, max: t0 },
          { op: 'sortedCount', key: k('none'), min: 0, max: t0 },
          { op: 'set', key: k('s'), value: 'v' },
        ]);
        expect(answers).toEqual([0, 3, 1, 2, 0, 0, 0]);
        expect(
          (await store.sortedRange(k('z'), Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)).map(
            (e) => e.member,
          ),
        ).toEqual(['a', 'b']);
        expect(await store.batch([])).toEqual([]);
      });

      it('keeps an existing lifetime on increments and accepts an empty batch', async () => {
        await store.increment(k('n'), 1, minute);
        await store.batch([{ op: 'increment', key: k('n'), ttlMs: 10 * minute }]);
        expect(await store.ttlMs(k('n'))).toBeLessThanOrEqual(minute);
        await store.batch([]);
        expect(await store.get(k('n'))).toBe('2');
      });
    });

    describe('durable queue', () => {
      const q = 'webhooks-test';

      it('hands out due items in due order, leased, and removes them on ack', async () => {
        await store.enqueue(q, 'late', 'p-late', t0 + 2_000);
        await store.enqueue(q, 'b', 'p-b', t0);
        await store.enqueue(q, 'a', 'p-a', t0);
        await store.enqueue(q, 'first', 'p-first', t0 - 1_000);
        expect(await store.queueSize(q)).toBe(4);
        expect(await store.claim(q, t0 - 2_000, minute, 10)).toEqual([]);
        expect(await store.claim(q, t0, minute, 10)).toEqual([
          { id: 'first', payload: 'p-first' },
          { id: 'a', payload: 'p-a' },
          { id: 'b', payload: 'p-b' },
        ]);
        // Leased: not handed out again while the lease runs, but still counted.
        expect(await store.claim(q, t0 + 2_000, minute, 10)).toEqual([{ id: 'late', payload: 'p-late' }]);
        expect(await store.queueSize(q)).toBe(4);
        await store.ack(q, 'a');
        await store.ack(q, 'a');
        expect(await store.queueSize(q)).toBe(3);
      });

      it('gives an unacked item back after its lease, as after a worker crash', async () => {
        await store.enqueue(q, 'job', 'payload', t0);
        expect(await store.claim(q, t0, minute, 1)).toHaveLength(1);
        expect(await store.claim(q, t0 + minute - 1, minute, 1)).toEqual([]);
        expect(await store.claim(q, t0 + minute, minute, 1)).toEqual([{ id: 'job', payload: 'payload' }]);
        await store.ack(q, 'job');
        expect(await store.claim(q, t0 + 10 * minute, minute, 1)).toEqual([]);
        expect(await store.queueSize(q)).toBe(0);
      });

      it('reschedules an item with a new payload for later', async () => {
        await store.enqueue(q, 'job', 'attempt-1', t0);
        await store.claim(q, t0, minute, 1);
        await store.reschedule(q, 'job', 'attempt-2', t0 + 5_000);
        expect(await store.claim(q, t0 + 4_999, minute, 1)).toEqual([]);
        expect(await store.claim(q, t0 + 5_000, minute, 1)).toEqual([{ id: 'job', payload: 'attempt-2' }]);
        expect(await store.queueSize(q)).toBe(1);
      });

      it('respects the limit and keeps queues apart', async () => {
        for (const id of ['1', '2', '3']) await store.enqueue(q, id, `p${id}`, t0);
        await store.enqueue('other-queue', 'x', 'px', t0);
        expect((await store.claim(q, t0, minute, 2)).map((item) => item.id)).toEqual(['1', '2']);
        expect((await store.claim(q, t0, minute, 2)).map((item) => item.id)).toEqual(['3']);
        expect(await store.claim(q, t0, minute, 0)).toEqual([]);
        expect(await store.queueSize('other-queue')).toBe(1);
        expect(await store.queueSize('never-used')).toBe(0);
      });

      it('writes a value and queues its item in one step, or neither when the value changed', async () => {
        const item = (id: string) => ({ queue: q, id, payload: `event-${id}`, dueAtMs: t0 });
        expect(await store.compareAndSetAndEnqueue(k('state'), null, 'v1', minute, item('created'))).toBe(
          true,
        );
        expect(await store.get(k('state'))).toBe('v1');
        expect(await store.compareAndSetAndEnqueue(k('state'), 'stale', 'v2', minute, item('lost'))).toBe(
          false,
        );
        expect(await store.compareAndSetAndEnqueue(k('state'), null, 'v2', minute, item('lost-too'))).toBe(
          false,
        );
        expect(await store.get(k('state'))).toBe('v1');
        expect(await store.compareAndSetAndEnqueue(k('state'), 'v1', 'v2', undefined, item('changed'))).toBe(
          true,
        );
        expect(await store.get(k('state'))).toBe('v2');
        expect(await store.ttlMs(k('state'))).toBeGreaterThan(0);
        expect(await store.claim(q, t0, minute, 10)).toEqual(
          [
            { id: 'changed', payload: 'event-changed' },
            { id: 'created', payload: 'event-created' },
          ].sort((a, b) => a.id.localeCompare(b.id)),
        );
        expect(await store.queueSize(q)).toBe(2);
      });

      it('lets one of concurrent writers of a value queue its item', async () => {
        await store.set(k('race'), 'v0');
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            store.compareAndSetAndEnqueue(k('race'), 'v0', `v${i + 1}`, minute, {
              queue: q,
              id: `writer-${i}`,
              payload: `p${i}`,
              dueAtMs: t0,
            }),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.queueSize(q)).toBe(1);
      });

      it('never hands one item to two concurrent claimers', async () => {
        for (let i = 0; i < 20; i += 1) await store.enqueue(q, `job-${i}`, `p${i}`, t0);
        const claims = await Promise.all(Array.from({ length: 10 }, () => store.claim(q, t0, minute, 3)));
        const ids = claims.flat().map((item) => item.id);
        expect(ids).toHaveLength(20);
        expect(new Set(ids).size).toBe(20);
      });
    });

    describe('publish and subscribe', () => {
      it('tells every listener of a channel each message, in order, and no other channel', async () => {
        const heard = (count: number) => {
          const messages: string[] = [];
          const done = new Promise<string[]>((resolve) => {
            const listener = (message: string) => {
              messages.push(message);
              if (messages.length === count) resolve(messages);
            };
            void store.subscribe(k('changes'), listener);
          });
          return done;
        };
        const first = heard(2);
        const second = heard(2);
        const other: string[] = [];
        await store.subscribe(k('other'), (message) => other.push(message));
        // Subscribing is confirmed by then: the next subscribe on the same connection came back.
        await store.subscribe(k('ready'), () => {});

        await store.publish(k('changes'), 'site:{a}:settings');
        await store.publish(k('changes'), 'site:{b}:settings');
        expect(await first).toEqual(['site:{a}:settings', 'site:{b}:settings']);
        expect(await second).toEqual(['site:{a}:settings', 'site:{b}:settings']);
        expect(other).toEqual([]);
      });
    });

    describe('limits', () => {
      const limit = (name: string, max: number, cost?: 0) => ({
        key: k(name),
        max,
        windowMs: minute,
        ...(cost === undefined ? {} : { cost }),
      });

      it('takes from every limit only when all have room, and says which one is full and for how long', async () => {
        expect(await store.consumeLimits([limit('ip', 2), limit('number', 1)])).toEqual({ allowed: true });
        const refused = await store.consumeLimits([limit('ip', 2), limit('number', 1)]);
        expect(refused).toMatchObject({ allowed: false, index: 1 });
        expect('retryAfterMs' in refused && refused.retryAfterMs).toBeGreaterThan(0);
        expect('retryAfterMs' in refused && refused.retryAfterMs).toBeLessThanOrEqual(minute);
        // The refusal spent nothing: the IP limit still has its second point.
        expect(await store.get(k('ip'))).toBe('1');
        expect(await store.consumeLimits([limit('ip', 2)])).toEqual({ allowed: true });
        expect(await store.consumeLimits([limit('ip', 2), limit('other', 5)])).toMatchObject({
          allowed: false,
          index: 0,
        });
        expect(await store.get(k('other'))).toBeNull();
      });

      it('checks a limit of cost 0 without taking from it, and opens a window again once it ends', async () => {
        await store.increment(k('wrong'), 3, minute);
        expect(await store.consumeLimits([limit('wrong', 4, 0), limit('sends', 5)])).toEqual({
          allowed: true,
        });
        expect(await store.get(k('wrong'))).toBe('3');
        await store.increment(k('wrong'));
        expect(await store.consumeLimits([limit('wrong', 4, 0)])).toMatchObject({ allowed: false, index: 0 });
        await subject.advance(minute);
        expect(await store.consumeLimits([limit('sends', 5)])).toEqual({ allowed: true });
        expect(await store.ttlMs(k('sends'))).toBeLessThanOrEqual(minute);
      });

      it('takes only while the expected keys hold what the caller decided on, else answers what they hold', async () => {
        await store.set(k('rule'), 'v1');
        const expectNow = [
          { key: k('rule'), value: 'v1' },
          { key: k('absent'), value: null },
        ];
        expect(await store.consumeLimits([limit('sends', 5)], expectNow)).toEqual({ allowed: true });
        expect(await store.get(k('sends'))).toBe('1');

        await store.set(k('rule'), 'v2');
        await store.set(k('absent'), '');
        expect(await store.consumeLimits([limit('sends', 5)], expectNow)).toEqual({
          allowed: false,
          found: ['v2', ''],
        });
        expect(await store.consumeLimits([limit('sends', 5)], [{ key: k('rule'), value: null }])).toEqual({
          allowed: false,
          found: ['v2'],
        });
        // Nothing was taken by the calls that found a change.
        expect(await store.get(k('sends'))).toBe('1');
        expect(
          await store.consumeLimits(
            [limit('sends', 5)],
            [
              { key: k('rule'), value: 'v2' },
              { key: k('absent'), value: '' },
            ],
          ),
        ).toEqual({ allowed: true });
        expect(await store.get(k('sends'))).toBe('2');
        // A full limit is still a refusal with its wait once the expectations hold.
        expect(
          await store.consumeLimits([limit('sends', 2)], [{ key: k('rule'), value: 'v2' }]),
        ).toMatchObject({
          allowed: false,
          index: 0,
        });
      });
    });

    describe('under concurrency', () => {
      const parallel = 50;
      const many = <T>(call: (index: number) => Promise<T>) =>
        Promise.all(Array.from({ length: parallel }, (_, index) => call(index)));

      it('never loses an increment', async () => {
        const totals = await many(() => store.increment(k('n'), 1, minute));
        expect(new Set(totals).size).toBe(parallel);
        expect(Math.max(...totals)).toBe(parallel);
        expect(await store.get(k('n'))).toBe(String(parallel));
      });

      it('counts every getAndIncrement once', async () => {
        await store.set(k('v'), 'record');
        const counts = await many(() => store.getAndIncrement(k('v'), k('count')));
        expect(new Set(counts.map((result) => result.count)).size).toBe(parallel);
      });

      it('lets exactly one compareAndSet win on one key', async () => {
        await store.set(k('state'), 'pending');
        const wins = await many((index) => store.compareAndSet(k('state'), 'pending', `approved-${index}`));
        expect(wins.filter(Boolean)).toHaveLength(1);
        expect(await store.get(k('state'))).toBe(`approved-${wins.indexOf(true)}`);
      });

      it('lets exactly one compareAndSet create an absent key', async () => {
        const wins = await many((index) => store.compareAndSet(k('new'), null, `v${index}`));
        expect(wins.filter(Boolean)).toHaveLength(1);
      });

      it('lets exactly one setIfAbsentOrGet set, and all others see its value', async () => {
        const answers = await many((index) => store.setIfAbsentOrGet(k('once'), `v${index}`, minute));
        const winner = answers.indexOf(null);
        expect(answers.filter((answer) => answer === null)).toHaveLength(1);
        expect(new Set(answers.filter((answer) => answer !== null))).toEqual(new Set([`v${winner}`]));
      });

      it('lets exactly one compareAndDelete delete', async () => {
        await store.set(k('lock'), 'token');
        const deleted = await many(() => store.compareAndDelete(k('lock'), 'token'));
        expect(deleted.filter(Boolean)).toHaveLength(1);
      });

      it('lets limits allow exactly their points, all or nothing', async () => {
        const limits = [
          { key: k('burst-ip'), max: 10, windowMs: minute },
          { key: k('burst-site'), max: 30, windowMs: minute },
        ];
        const results = await many(() => store.consumeLimits(limits));
        expect(results.filter((result) => result.allowed)).toHaveLength(10);
        expect(await store.get(k('burst-site'))).toBe('10');
      });
    });
  });
}
