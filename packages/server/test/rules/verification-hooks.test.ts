import { defaultSettings, Rule, type RuleInput } from '@proofline/shared';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { type LookupSources, lookupPhone } from '../../src/lookup/index.js';
import { CasesRepository, type RuleEvent, RulesRepository, ruleHooks } from '../../src/rules/index.js';
import { MemoryStore } from '../../src/store/memory/index.js';

const clock = new ManualClock();
const daysAgo = (days: number) => new Date(clock.now() - days * 86_400_000).toISOString();

function setup(lookupSources: LookupSources = {}) {
  const store = new MemoryStore(clock);
  const rules = new RulesRepository(store);
  const cases = new CasesRepository(store, clock);
  const created: string[] = [];
  const ruled = ruleHooks({
    rules,
    cases,
    onCaseCreated: async (siteKey, item) => {
      created.push(`${siteKey}:${item.case_type}`);
    },
  });
  // The start's one lookup, made by the flow before the rules read it (wiring/flow-hooks.ts).
  const hooks = {
    ...ruled,
    onStarted: async (event: RuleEvent) => {
      const { settings } = event;
      const context = {
        riskWeights: settings.risk_weights,
        simSwapThresholdDays: settings.sim_swap_threshold_days,
      };
      return ruled.onStarted(
        event,
        await lookupPhone({ phone: event.phone }, { ...lookupSources, clock }, context),
      );
    },
  };
  const add = (input: Partial<RuleInput> & Pick<RuleInput, 'rule_id' | 'conditions' | 'actions'>) =>
    rules.upsert('pk_a', Rule.parse({ trigger: 'verification_started', ...input }));
  return { hooks, add, cases, created };
}

const event = (overrides: Partial<RuleEvent> = {}): RuleEvent => ({
  verificationId: 'ver_1',
  siteKey: 'pk_a',
  settings: defaultSettings('Acme', []),
  phone: '+447400123456',
  channel: null,
  status: 'pending',
  flags: [],
  risk: null,
  ...overrides,
});

describe('ruleHooks', () => {
  it('at start: scores the number, flags VoIP per settings and applies "voip and not otp-verified → require_otp"', async () => {
    const { hooks, add } = setup();
    await add({
      rule_id: 'voip-otp',
      conditions: {
        all: [
          { field: 'phone_type', operator: 'eq', value: 'voip' },
          { field: 'phone_otp_verified', operator: 'eq', value: false },
        ],
      },
      actions: [{ type: 'require_otp' }, { type: 'send_otp', channel: 'voice' }],
    });
    const voip = await hooks.onStarted(event({ phone: '+445612345678' }));
    expect(voip).toMatchObject({ requireOtp: true, channel: 'voice', flags: ['voip'], cases: [] });
    expect(voip.risk).toMatchObject({ risk_score: 15, factors: [{ factor: 'voip_number' }] });
    const mobile = await hooks.onStarted(event());
    expect(mobile).toEqual({ flags: [], risk: { risk_score: 0, risk_level: 'low', factors: [] }, cases: [] });
  });

  it('"sim_swap_days_ago < 7 → add_flag + create_case" produces both, the case carrying the flags', async () => {
    const { hooks, add, cases, created } = setup({ simSwapDate: async () => daysAgo(2) });
    await add({
      rule_id: 'sim-swap',
      trigger: 'phone_lookup_complete',
      conditions: { all: [{ field: 'sim_swap_days_ago', operator: 'lt', value: 7 }] },
      actions: [
        { type: 'add_flag', flag: 'sim_swap_recent' },
        { type: 'create_case', case_type: 'sim_swap_review', priority: 'high', title: 'Recent SIM swap' },
      ],
    });
    const decision = await hooks.onStarted(event());
    expect(decision.flags).toEqual(['sim_swap', 'sim_swap_recent']);
    expect(decision.cases).toHaveLength(1);
    expect(decision.cases[0]).toMatchObject({
      case_type: 'sim_swap_review',
      verification_id: 'ver_1',
      phone: '+44******3456',
      flags: ['sim_swap', 'sim_swap_recent'],
    });
    expect(created).toEqual(['pk_a:sim_swap_review']);
    expect((await cases.list('pk_a', {})).cases).toHaveLength(1);
  });

  it('blocks with the rule’s reason, or names the rule', async () => {
    const { hooks, add } = setup();
    await add({
      rule_id: 'no-premium',
      conditions: { all: [{ field: 'phone_type', operator: 'eq', value: 'premium' }] },
      actions: [{ type: 'block' }],
    });
    await add({
      rule_id: 'high-risk',
      conditions: { all: [{ field: 'risk_score', operator: 'gte', value: 30 }] },
      actions: [{ type: 'block', reason: 'Too risky.' }],
    });
    expect((await hooks.onStarted(event({ phone: '+449012345678' }))).block).toEqual({
      reason: 'Blocked by rule no-premium.',
    });
  });

  it('runs verification_approved and verification_failed rules with the verification’s facts', async () => {
    const { hooks, add } = setup();
    await add({
      rule_id: 'silent-high-risk',
      trigger: 'verification_approved',
      conditions: {
        all: [
          { field: 'silent_verified', operator: 'eq', value: true },
          { field: 'flags', operator: 'contains', value: 'voip' },
        ],
      },
      actions: [
        { type: 'create_case', case_type: 'review', priority: 'medium', title: 'Check' },
        { type: 'webhook' },
      ],
    });
    await add({
      rule_id: 'failed',
      trigger: 'verification_failed',
      conditions: { all: [{ field: 'status', operator: 'in', value: ['failed', 'max_attempts_reached'] }] },
      actions: [{ type: 'request_info', info_needed: ['id_document'] }],
    });
    const approved = await hooks.onApproved(event({ status: 'approved', method: 'silent', flags: ['voip'] }));
    expect(approved).toMatchObject({ webhooks: ['rule.matched'], cases: [{ case_type: 'review' }] });
    expect(
      (await hooks.onApproved(event({ status: 'approved', method: 'otp', flags: ['voip'] }))).cases,
    ).toEqual([]);
    expect(await hooks.onFailed(event({ status: 'max_attempts_reached' }))).toMatchObject({
      requestInfo: ['id_document'],
    });
  });
});
