import { randomUUID } from 'node:crypto';
import { CaseList, Rule, type RuleInput } from '@proofline/shared';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import type { ProoflineError } from '../../src/errors.js';
import { CasesRepository, maxRulesPerSite, RulesRepository } from '../../src/rules/index.js';
import type { Store } from '../../src/store/index.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { RedisStore } from '../../src/store/redis/index.js';
import { keysUnder } from '../store/redis-harness.js';
import { REDIS_URL, testKeyPrefix } from '../support/server.js';

const runPrefix = testKeyPrefix('rules');
const opened: Store[] = [];

const stores: [string, () => Store][] = [
  ['memory', () => new MemoryStore(new ManualClock())],
  [
    'redis',
    () => {
      const store = new RedisStore({ url: REDIS_URL, keyPrefix: `${runPrefix}${randomUUID().slice(0, 6)}:` });
      opened.push(store);
      return store;
    },
  ],
];

afterAll(async () => {
  for (const store of opened) await store.close();
  const admin = new Redis(REDIS_URL);
  for (const key of await keysUnder(admin, runPrefix)) await admin.del(key);
  await admin.quit();
});

const rule = (rule_id: string, extra: Partial<RuleInput> = {}) =>
  Rule.parse({
    rule_id,
    trigger: 'verification_started',
    conditions: { all: [{ field: 'phone_type', operator: 'eq', value: 'voip' }] },
    actions: [{ type: 'require_otp' }],
    ...extra,
  });

describe.each(stores)('RulesRepository on %s', (_name, makeStore) => {
  it('lists nothing, adds in order, replaces a rule with the same id in place, deletes', async () => {
    const rules = new RulesRepository(makeStore());
    expect(await rules.list('pk_a')).toEqual([]);
    expect(await rules.upsert('pk_a', rule('one'))).toMatchObject({ created: true });
    await rules.upsert('pk_a', rule('two'));
    const replaced = rule('one', { actions: [{ type: 'block', reason: 'no VoIP' }] });
    expect(await rules.upsert('pk_a', replaced)).toEqual({ rule: replaced, created: false });
    expect((await rules.list('pk_a')).map((item) => [item.rule_id, item.actions[0]?.type])).toEqual([
      ['one', 'block'],
      ['two', 'require_otp'],
    ]);
    expect(await rules.list('pk_b')).toEqual([]);
    expect(await rules.delete('pk_a', 'one')).toBe(true);
    expect(await rules.delete('pk_a', 'one')).toBe(false);
    expect(await rules.delete('pk_none', 'one')).toBe(false);
    expect((await rules.list('pk_a')).map((item) => item.rule_id)).toEqual(['two']);
  });

  it('keeps every concurrent upsert', async () => {
    const rules = new RulesRepository(makeStore());
    await Promise.all(Array.from({ length: 12 }, (_, index) => rules.upsert('pk_c', rule(`r${index}`))));
    expect((await rules.list('pk_c')).map((item) => item.rule_id).sort()).toEqual(
      Array.from({ length: 12 }, (_, index) => `r${index}`).sort(),
    );
  });

  it(`refuses more than ${maxRulesPerSite} rules but still replaces existing ones`, async () => {
    const rules = new RulesRepository(makeStore());
    for (let index = 0; index < maxRulesPerSite; index += 1) await rules.upsert('pk_d', rule(`r${index}`));
    await expect(rules.upsert('pk_d', rule('one-too-many'))).rejects.toMatchObject({
      code: 'bad_request',
    } satisfies Partial<ProoflineError>);
    await expect(rules.upsert('pk_d', rule('r5', { enabled: false }))).resolves.toMatchObject({
      created: false,
    });
  });
});

describe.each(stores)('CasesRepository on %s', (_name, makeStore) => {
  const newCase = (index: number, overrides: Partial<Parameters<CasesRepository['create']>[1]> = {}) => ({
    case_type: index % 2 === 0 ? 'sim_swap_review' : 'voip_review',
    priority: 'high' as const,
    title: `Case ${index}`,
    verification_id: `ver_${index}`,
    phone: '+447400123456',
    flags: ['sim_swap'],
    ...overrides,
  });

  it('creates open cases with the phone masked and the clock’s time', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 2, 3, 4, 5));
    const ids = ['case_1', 'case_2'];
    const cases = new CasesRepository(makeStore(), clock, () => ids.shift() ?? 'case_x');
    const created = await cases.create('pk_a', newCase(0));
    expect(created).toEqual({
      case_id: 'case_1',
      case_type: 'sim_swap_review',
      priority: 'high',
      title: 'Case 0',
      status: 'open',
      verification_id: 'ver_0',
      phone: '+44******3456',
      flags: ['sim_swap'],
      applicant_id: null,
      resolution: null,
      notes: [],
      created_at: '2026-01-02T03:04:05.000Z',
      updated_at: '2026-01-02T03:04:05.000Z',
    });
    expect(await cases.get('pk_a', 'case_1')).toEqual(created);
    expect(await cases.get('pk_b', 'case_1')).toBeNull();
    expect(await cases.create('pk_a', newCase(1, { phone: null, verification_id: null }))).toMatchObject({
      phone: null,
      verification_id: null,
    });
  });

  it('updates status and resolution and appends notes; another site cannot', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 2, 3, 4, 5));
    const cases = new CasesRepository(makeStore(), clock, () => 'case_u');
    await cases.create('pk_a', newCase(0, { applicant_id: 'app-7' }));
    clock.advance(60_000);
    const review = await cases.update('pk_a', 'case_u', {
      status: 'in_review',
      note: 'Called the customer.',
    });
    expect(review).toMatchObject({
      status: 'in_review',
      applicant_id: 'app-7',
      resolution: null,
      notes: [{ text: 'Called the customer.', created_at: '2026-01-02T03:05:05.000Z' }],
      updated_at: '2026-01-02T03:05:05.000Z',
    });
    const closed = await cases.update('pk_a', 'case_u', {
      status: 'closed',
      resolution: 'Legitimate SIM replacement.',
      note: 'Shop receipt seen.',
    });
    expect(closed).toMatchObject({ status: 'closed', resolution: 'Legitimate SIM replacement.' });
    expect(closed?.notes.map((note) => note.text)).toEqual(['Called the customer.', 'Shop receipt seen.']);
    expect(await cases.get('pk_a', 'case_u')).toEqual(closed);
    expect((await cases.list('pk_a', { status: 'closed' })).cases).toHaveLength(1);
    expect(await cases.update('pk_b', 'case_u', { status: 'open' })).toBeNull();
    expect(await cases.update('pk_a', 'case_none', { status: 'open' })).toBeNull();
  });

  it('pages newest first without skipping or repeating cases made in the same millisecond', async () => {
    const cases = new CasesRepository(makeStore(), new ManualClock());
    for (let index = 0; index < 7; index += 1) await cases.create('pk_p', newCase(index));
    const titles: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = CaseList.parse(await cases.list('pk_p', { limit: 3, ...(cursor ? { cursor } : {}) }));
      titles.push(...page.cases.map((item) => item.title));
      cursor = page.next_cursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(titles).toEqual(['Case 6', 'Case 5', 'Case 4', 'Case 3', 'Case 2', 'Case 1', 'Case 0']);
  });

  it('filters by case type and status across pages', async () => {
    const cases = new CasesRepository(makeStore(), new ManualClock());
    for (let index = 0; index < 9; index += 1) await cases.create('pk_f', newCase(index));
    const first = await cases.list('pk_f', { case_type: 'voip_review', limit: 2 });
    expect(first.cases.map((item) => item.title)).toEqual(['Case 7', 'Case 5']);
    const second = await cases.list('pk_f', {
      case_type: 'voip_review',
      limit: 2,
      cursor: first.next_cursor!,
    });
    expect(second.cases.map((item) => item.title)).toEqual(['Case 3', 'Case 1']);
    const last = second.next_cursor
      ? await cases.list('pk_f', { case_type: 'voip_review', limit: 2, cursor: second.next_cursor })
      : { cases: [], next_cursor: null };
    expect(last).toEqual({ cases: [], next_cursor: null });
    expect(await cases.list('pk_f', { status: 'closed' })).toEqual({ cases: [], next_cursor: null });
    expect((await cases.list('pk_f', { status: 'open', limit: 100 })).cases).toHaveLength(9);
    expect(await cases.list('pk_empty', {})).toEqual({ cases: [], next_cursor: null });
  });

  it('refuses a cursor it did not make', async () => {
    const cases = new CasesRepository(makeStore(), new ManualClock());
    await expect(cases.list('pk_a', { cursor: 'bm9wZQ' })).rejects.toMatchObject({
      code: 'bad_request',
      details: [{ path: 'cursor' }],
    });
  });
});
