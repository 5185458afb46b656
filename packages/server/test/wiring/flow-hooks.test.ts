import { defaultSettings, Rule } from '@proofline/shared';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import type { LookupSources } from '../../src/lookup/index.js';
import { CasesRepository, RulesRepository } from '../../src/rules/index.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { noWebhooks, type VerificationEvent } from '../../src/verification/index.js';
import { flowHooks } from '../../src/wiring/index.js';

/**
 * Operator sources that answer only once every source the start will ask has been asked: a start
 * that asked them one after another would never finish. Records who was asked, how often.
 */
function operatorSources(expected: number) {
  const asked: string[] = [];
  let open: () => void = () => {};
  const allAsked = new Promise<void>((resolve) => (open = resolve));
  const source =
    <T>(name: string, answer: T) =>
    async (_e164: string) => {
      asked.push(name);
      if (asked.length === expected) open();
      await allAsked;
      return answer;
    };
  const sources: LookupSources = {
    lineInfo: source('lineInfo', null),
    simSwapDate: source('simSwapDate', null),
    roaming: source('roaming', true),
    recycled: source('recycled', false),
  };
  return { sources, asked };
}

function setup(sources: LookupSources) {
  const clock = new ManualClock();
  const store = new MemoryStore(clock);
  const rules = new RulesRepository(store);
  const hooks = flowHooks({
    rules,
    cases: new CasesRepository(store, clock),
    clock,
    lookupSources: sources,
    webhooks: noWebhooks,
  });
  return { hooks, rules };
}

const event = (settings = defaultSettings('Acme', [])): VerificationEvent => ({
  verificationId: 'ver_1',
  siteKey: 'pk_a',
  applicantId: null,
  action: null,
  settings,
  phone: '+447400123456',
  country: 'GB',
  channel: null,
  method: null,
  status: 'pending',
  reason: null,
  flags: [],
  risk: null,
  ip: null,
});

describe('the start asks the operator only what the site uses, once each, all at once', () => {
  it('default settings, no rules: line info at the start; SIM swap and recycling, in parallel, at the approval', async () => {
    const { sources, asked } = operatorSources(1);
    const { hooks } = setup(sources);
    const decision = await hooks.onStarted(event());
    expect(asked).toEqual(['lineInfo']);
    expect(decision?.atApproval?.sort()).toEqual(['recycled', 'simSwapDate']);

    const later = operatorSources(2);
    const approving = setup(later.sources).hooks;
    const risk = { risk_score: 0, risk_level: 'low' as const, factors: [] };
    await approving.onApproving({ ...event(), risk }, decision?.atApproval ?? []);
    expect(later.asked.sort()).toEqual(['recycled', 'simSwapDate']);
  });

  it('a site that approves low-risk numbers without a code needs the whole risk at the start', async () => {
    const { sources, asked } = operatorSources(3);
    const { hooks } = setup(sources);
    const decision = await hooks.onStarted(event({ ...defaultSettings('Acme', []), require_otp: false }));
    expect(asked.sort()).toEqual(['lineInfo', 'recycled', 'simSwapDate']);
    expect(decision?.atApproval).toBeUndefined();
  });

  it('a rule on roaming adds the roaming call, and its answer reaches the rule', async () => {
    const { sources, asked } = operatorSources(2);
    const { hooks, rules } = setup(sources);
    await rules.upsert(
      'pk_a',
      Rule.parse({
        rule_id: 'roamers',
        trigger: 'verification_started',
        conditions: { all: [{ field: 'roaming', operator: 'eq', value: true }] },
        actions: [{ type: 'add_flag', flag: 'roaming' }],
      }),
    );
    const decision = await hooks.onStarted(event());
    expect(asked.sort()).toEqual(['lineInfo', 'roaming']);
    expect(decision?.flags).toEqual(['roaming']);
  });

  it('a start rule that reads the risk gets it whole at the start', async () => {
    const { sources, asked } = operatorSources(3);
    const { hooks, rules } = setup(sources);
    await rules.upsert(
      'pk_a',
      Rule.parse({
        rule_id: 'risky',
        trigger: 'verification_started',
        conditions: { all: [{ field: 'risk_score', operator: 'gte', value: 60 }] },
        actions: [{ type: 'block', reason: 'risky' }],
      }),
    );
    const decision = await hooks.onStarted(event());
    expect(asked.sort()).toEqual(['lineInfo', 'recycled', 'simSwapDate']);
    expect(decision?.atApproval).toBeUndefined();
  });

  it('a site that weighs neither SIM swap nor recycling and does not check SIM swaps asks for line info only', async () => {
    const { sources, asked } = operatorSources(1);
    const { hooks } = setup(sources);
    const settings = {
      ...defaultSettings('Acme', []),
      sim_swap_check: false,
      risk_weights: { recent_sim_swap: 0, number_recycled: 0 },
    };
    const decision = await hooks.onStarted(event(settings));
    expect(asked).toEqual(['lineInfo']);
    expect(decision?.atApproval).toBeUndefined();
  });
});

describe('the approval completes the risk with the facts the start left for it', () => {
  it('adds the recent SIM swap and recycling factors, raises the level, and flags sim_swap', async () => {
    const clock = new ManualClock();
    const sources: LookupSources = {
      simSwapDate: async () => new Date(clock.now() - 2 * 86_400_000).toISOString(),
      recycled: async () => true,
    };
    const hooks = flowHooks({
      rules: new RulesRepository(new MemoryStore(clock)),
      cases: new CasesRepository(new MemoryStore(clock), clock),
      clock,
      lookupSources: sources,
      webhooks: noWebhooks,
    });
    const risk = {
      risk_score: 10,
      risk_level: 'low' as const,
      factors: [{ factor: 'prepaid' as const, contribution: 10, details: 'The line is prepaid.' }],
    };
    const assessed = await hooks.onApproving({ ...event(), risk, flags: ['vip'] }, [
      'simSwapDate',
      'recycled',
    ]);
    expect(assessed.risk?.factors.map((factor) => factor.factor)).toEqual([
      'recent_sim_swap',
      'number_recycled',
      'prepaid',
    ]);
    expect(assessed.risk).toMatchObject({ risk_score: 75, risk_level: 'high' });
    expect(assessed.flags).toEqual(['vip', 'sim_swap']);
  });
});
