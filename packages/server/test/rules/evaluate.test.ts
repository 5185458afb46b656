import { operatorsFor, Rule, type RuleFieldSpec, type RuleInput, ruleFields } from '@proofline/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRules, type RuleFacts, ruleMatches } from '../../src/rules/index.js';

const rule = (input: Omit<RuleInput, 'rule_id' | 'trigger'> & Partial<RuleInput>) =>
  Rule.parse({ rule_id: 'r', trigger: 'verification_started', ...input });
const when = (conditions: RuleInput['conditions']) =>
  rule({ conditions, actions: [{ type: 'require_otp' }] });

const facts: RuleFacts = {
  phone_type: 'voip',
  risk_score: 45,
  risk_level: 'medium',
  country: 'GB',
  carrier_name: 'Google Voice',
  ported: false,
  sim_swap_days_ago: 3,
  phone_otp_verified: false,
  flags: ['voip', 'sim_swap:recent'],
  network: null,
};

describe('evaluateRules', () => {
  it.each([
    ['eq', 'phone_type', 'voip', true],
    ['eq', 'phone_type', 'mobile', false],
    ['ne', 'phone_type', 'mobile', true],
    ['eq', 'ported', false, true],
    ['ne', 'ported', false, false],
    ['lt', 'sim_swap_days_ago', 7, true],
    ['lt', 'sim_swap_days_ago', 3, false],
    ['lte', 'sim_swap_days_ago', 3, true],
    ['gt', 'risk_score', 45, false],
    ['gte', 'risk_score', 45, true],
    ['in', 'country', ['FR', 'GB'], true],
    ['in', 'country', ['FR'], false],
    ['not_in', 'country', ['FR'], true],
    ['not_in', 'risk_level', ['medium', 'high'], false],
    ['contains', 'carrier_name', 'google', true],
    ['contains', 'carrier_name', 'skype', false],
    ['contains', 'flags', 'sim_swap:recent', true],
    ['contains', 'flags', 'sim_swap', false],
    ['exists', 'sim_swap_days_ago', true, true],
    ['exists', 'sim_swap_days_ago', false, false],
    ['exists', 'network', true, false],
    ['exists', 'network', false, true],
    ['exists', 'roaming', undefined, false],
  ] as const)('%s on %s with %j → %s', (operator, field, value, expected) => {
    const conditions = { all: [{ field, operator, ...(value === undefined ? {} : { value }) }] };
    expect(ruleMatches(when(conditions as RuleInput['conditions']), facts)).toBe(expected);
  });

  it('never matches on an unknown fact, whatever the operator (except exists: false)', () => {
    for (const operator of ['ne', 'not_in', 'lt', 'gte'] as const) {
      const value = operator === 'not_in' ? [1] : 1;
      expect(ruleMatches(when({ all: [{ field: 'days_since_port', operator, value }] }), facts)).toBe(false);
    }
  });

  it('nests all and any', () => {
    const conditions = {
      any: [
        { field: 'risk_level', operator: 'eq', value: 'high' },
        {
          all: [
            { field: 'phone_type', operator: 'in', value: ['voip', 'virtual'] },
            { field: 'phone_otp_verified', operator: 'eq', value: false },
          ],
        },
      ],
    } as const;
    expect(ruleMatches(when(conditions), facts)).toBe(true);
    expect(ruleMatches(when(conditions), { ...facts, phone_otp_verified: true })).toBe(false);
    expect(ruleMatches(when(conditions), { ...facts, phone_otp_verified: true, risk_level: 'high' })).toBe(
      true,
    );
  });

  it('answers the actions of matching enabled rules of the trigger, in order, tagged with the rule', () => {
    const rules = [
      rule({
        rule_id: 'voip-needs-otp',
        conditions: {
          all: [
            { field: 'phone_type', operator: 'eq', value: 'voip' },
            { field: 'phone_otp_verified', operator: 'eq', value: false },
          ],
        },
        actions: [{ type: 'require_otp' }],
      }),
      rule({
        rule_id: 'sim-swap',
        conditions: { all: [{ field: 'sim_swap_days_ago', operator: 'lt', value: 7 }] },
        actions: [
          { type: 'add_flag', flag: 'sim_swap' },
          { type: 'create_case', case_type: 'sim_swap_review', priority: 'high', title: 'Recent SIM swap' },
        ],
      }),
      rule({
        rule_id: 'disabled',
        enabled: false,
        conditions: { all: [{ field: 'country', operator: 'exists' }] },
        actions: [{ type: 'block' }],
      }),
      rule({
        rule_id: 'other-trigger',
        trigger: 'verification_approved',
        conditions: { all: [{ field: 'country', operator: 'exists' }] },
        actions: [{ type: 'webhook' }],
      }),
      rule({
        rule_id: 'not-matching',
        conditions: { all: [{ field: 'country', operator: 'eq', value: 'FR' }] },
        actions: [{ type: 'block', reason: 'France' }],
      }),
    ];
    expect(evaluateRules(rules, 'verification_started', facts)).toEqual([
      { type: 'require_otp', rule_id: 'voip-needs-otp' },
      { type: 'add_flag', flag: 'sim_swap', rule_id: 'sim-swap' },
      {
        type: 'create_case',
        case_type: 'sim_swap_review',
        priority: 'high',
        title: 'Recent SIM swap',
        rule_id: 'sim-swap',
      },
    ]);
    expect(evaluateRules(rules, 'verification_approved', facts)).toEqual([
      { type: 'webhook', rule_id: 'other-trigger' },
    ]);
    expect(evaluateRules([], 'verification_failed', facts)).toEqual([]);
  });

  it('treats facts of the wrong type as not matching rather than failing', () => {
    const wrong = { risk_score: '45', flags: 42, country: 44 } as unknown as RuleFacts;
    expect(ruleMatches(when({ all: [{ field: 'risk_score', operator: 'gte', value: 1 }] }), wrong)).toBe(
      false,
    );
    expect(ruleMatches(when({ all: [{ field: 'flags', operator: 'contains', value: 'voip' }] }), wrong)).toBe(
      false,
    );
    expect(ruleMatches(when({ all: [{ field: 'country', operator: 'contains', value: '4' }] }), wrong)).toBe(
      false,
    );
  });
});

// ── property: any valid rule on any facts evaluates without throwing ─────────────────────────────

const fieldNames = Object.keys(ruleFields);
const specOf = (field: string) => (ruleFields as Record<string, RuleFieldSpec>)[field]!;

function valueFor(spec: RuleFieldSpec): fc.Arbitrary<string | number | boolean> {
  if (spec.type === 'number') return fc.double({ noNaN: true, noDefaultInfinity: true });
  if (spec.type === 'boolean') return fc.boolean();
  if (spec.values) return fc.constantFrom(...spec.values);
  return fc.string({ maxLength: 20 });
}

type GeneratedCondition = { field: string; operator: string; value?: unknown };

const conditionArb = fc.constantFrom(...fieldNames).chain((field) => {
  const spec = specOf(field);
  return fc.constantFrom(...operatorsFor(spec)).chain((operator): fc.Arbitrary<GeneratedCondition> => {
    switch (operator) {
      case 'exists':
        return fc.option(fc.boolean(), { nil: undefined }).map((value) => ({ field, operator, value }));
      case 'in':
      case 'not_in':
        return fc
          .array(valueFor(spec), { minLength: 1, maxLength: 5 })
          .map((value) => ({ field, operator, value }));
      case 'contains':
        return fc.string({ maxLength: 10 }).map((value) => ({ field, operator, value }));
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
        return fc
          .double({ noNaN: true, noDefaultInfinity: true })
          .map((value) => ({ field, operator, value }));
      default:
        return valueFor(spec).map((value) => ({ field, operator, value }));
    }
  });
});

const { group: groupArb } = fc.letrec<{ node: unknown; group: unknown }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, conditionArb, tie('group')),
  group: fc
    .record({
      kind: fc.constantFrom('all', 'any'),
      children: fc.array(tie('node'), { minLength: 1, maxLength: 4 }),
    })
    .map(({ kind, children }) => ({ [kind]: children })),
}));

const ruleArb = fc.record({
  rule_id: fc.stringMatching(/^[a-z0-9_-]{1,16}$/),
  trigger: fc.constantFrom(
    'phone_lookup_complete',
    'verification_started',
    'verification_approved',
    'verification_failed',
  ),
  conditions: groupArb,
  actions: fc.constant([{ type: 'add_flag', flag: 'hit' }]),
  enabled: fc.boolean(),
});

const factValueArb = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
  fc.constantFrom('voip', 'mobile', 'high', 'GB', 'sms'),
);
const factsArb = fc.dictionary(fc.constantFrom(...fieldNames, 'unknown_field', '__proto__'), factValueArb);

describe('evaluateRules (fuzzed)', () => {
  it('evaluates any valid rule on any facts without throwing, answering only the rules’ actions', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { maxLength: 4 }), factsArb, (inputs, randomFacts) => {
        const parsed = inputs.map((input) => Rule.safeParse(input));
        const rules = parsed.filter((result) => result.success).map((result) => result.data);
        // Generated rules are valid except when they exceed the size limits.
        expect(parsed.every((result) => result.success || /at most/.test(result.error.message))).toBe(true);
        for (const trigger of ['phone_lookup_complete', 'verification_started'] as const) {
          const actions = evaluateRules(rules, trigger, randomFacts as RuleFacts);
          const eligible = rules.filter((item) => item.enabled && item.trigger === trigger);
          expect(actions.length).toBeLessThanOrEqual(eligible.length);
          for (const action of actions)
            expect(eligible.map((item) => item.rule_id)).toContain(action.rule_id);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('parses any JSON as a rule without throwing', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (conditions, actions) => {
        const result = Rule.safeParse({ rule_id: 'x', trigger: 'verification_started', conditions, actions });
        expect(typeof result.success).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});
