import { Rule, ruleFields, toFieldIssues } from '@proofline/shared';
import { describe, expect, it } from 'vitest';

const base = { rule_id: 'voip-otp', trigger: 'verification_started', actions: [{ type: 'require_otp' }] };

function issues(body: unknown) {
  const result = Rule.safeParse(body);
  return result.success
    ? []
    : toFieldIssues(result.error.issues).map(({ path, message }) => ({ path, message }));
}

describe('Rule schema', () => {
  it('accepts the documented shape, nested groups and every action, defaulting enabled to true', () => {
    const rule = Rule.parse({
      ...base,
      conditions: {
        all: [
          { field: 'phone_type', operator: 'eq', value: 'voip' },
          {
            any: [
              { field: 'risk_score', operator: 'gte', value: 60 },
              { field: 'flags', operator: 'contains', value: 'vip' },
            ],
          },
          { field: 'sim_swap_days_ago', operator: 'exists' },
        ],
      },
      actions: [
        { type: 'block', reason: 'no VoIP' },
        { type: 'require_otp' },
        { type: 'send_otp', channel: 'voice' },
        { type: 'add_flag', flag: 'voip' },
        { type: 'create_case', case_type: 'sim_swap_review', priority: 'high', title: 'Recent SIM swap' },
        { type: 'request_info', info_needed: ['id_document'] },
        { type: 'webhook' },
      ],
    });
    expect(rule.enabled).toBe(true);
    expect(rule.actions).toHaveLength(7);
  });

  it.each([
    [
      'unknown field',
      {
        all: [
          { field: 'phone_type', operator: 'eq', value: 'voip' },
          { field: 'carrier', operator: 'eq', value: 'x' },
        ],
      },
      'conditions.all.1.field',
      /unknown field "carrier"/,
    ],
    [
      'operator not fitting a boolean',
      {
        all: [
          { field: 'phone_type', operator: 'eq', value: 'voip' },
          { field: 'ported', operator: 'gt', value: 1 },
        ],
      },
      'conditions.all.1.operator',
      /does not fit ported/,
    ],
    [
      'contains on an enumeration',
      { any: [{ field: 'phone_type', operator: 'contains', value: 'vo' }] },
      'conditions.any.0.operator',
      /does not fit phone_type/,
    ],
    [
      'lt on a list',
      { any: [{ field: 'flags', operator: 'lt', value: 3 }] },
      'conditions.any.0.operator',
      /does not fit flags/,
    ],
    [
      'number compared with text',
      { any: [{ all: [{ field: 'risk_score', operator: 'gte', value: 'high' }] }] },
      'conditions.any.0.all.0.value',
      /gte takes a number/,
    ],
    [
      'value outside the enumeration',
      { all: [{ field: 'risk_level', operator: 'in', value: ['high', 'severe'] }] },
      'conditions.all.0.value',
      /one of low, medium, high/,
    ],
    [
      'in without a list',
      { all: [{ field: 'country', operator: 'in', value: 'GB' }] },
      'conditions.all.0.value',
      /list of values/,
    ],
    [
      'eq on boolean with a string',
      { all: [{ field: 'phone_otp_verified', operator: 'eq', value: 'false' }] },
      'conditions.all.0.value',
      /takes a boolean/,
    ],
    [
      'missing operator',
      { all: [{ field: 'country', value: 'GB' }] },
      'conditions.all.0.operator',
      /needs an operator/,
    ],
    [
      'a bare condition at the top',
      { field: 'country', operator: 'eq', value: 'GB' },
      'conditions',
      /start with/,
    ],
    [
      'both all and any',
      { all: [{ field: 'country', operator: 'exists' }], any: [] },
      'conditions',
      /exactly one/,
    ],
    ['empty group', { any: [] }, 'conditions.any', /./],
    [
      'inherited property name as field',
      { all: [{ field: 'constructor', operator: 'exists' }] },
      'conditions.all.0.field',
      /unknown field/,
    ],
  ])('rejects %s with the path of the mistake', (_name, conditions, path, message) => {
    const found = issues({ ...base, conditions });
    expect(found.map((issue) => issue.path)).toContain(path);
    expect(found.find((issue) => issue.path === path)?.message).toMatch(message);
  });

  it('rejects unknown keys, bad actions and bad ids', () => {
    const conditions = { all: [{ field: 'country', operator: 'eq', value: 'GB', extra: 1 }] };
    expect(issues({ ...base, conditions }).map((issue) => issue.path)).toEqual(['conditions.all.0']);
    const ok = { all: [{ field: 'country', operator: 'eq', value: 'GB' }] };
    expect(
      issues({ ...base, conditions: ok, actions: [{ type: 'send_otp', channel: 'pigeon' }] })[0]?.path,
    ).toBe('actions.0.channel');
    expect(issues({ ...base, conditions: ok, actions: [{ type: 'explode' }] })[0]?.path).toBe(
      'actions.0.type',
    );
    expect(issues({ ...base, conditions: ok, actions: [] })[0]?.path).toBe('actions');
    expect(issues({ ...base, conditions: ok, rule_id: 'has space' })[0]?.path).toBe('rule_id');
    expect(issues({ ...base, conditions: ok, trigger: 'whenever' })[0]?.path).toBe('trigger');
    expect(issues({ ...base, conditions: ok, colour: 'red' })[0]?.message).toMatch(/colour/);
  });

  it('limits nesting depth and the number of conditions', () => {
    let deep: object = { all: [{ field: 'country', operator: 'exists' }] };
    for (let level = 0; level < 5; level += 1) deep = { any: [deep] };
    expect(issues({ ...base, conditions: deep })[0]?.message).toMatch(/at most 5 deep/);
    const wide = {
      all: Array.from({ length: 3 }, () => ({
        any: Array.from({ length: 20 }, () => ({ field: 'country', operator: 'exists' })),
      })),
    };
    expect(issues({ ...base, conditions: wide })[0]?.message).toMatch(/at most 50 conditions/);
  });

  it('documents every field with a type and a description', () => {
    for (const spec of Object.values(ruleFields)) {
      expect(['string', 'number', 'boolean', 'string_list']).toContain(spec.type);
      expect(spec.description.length).toBeGreaterThan(5);
    }
    for (const name of [
      'phone_type',
      'risk_score',
      'risk_level',
      'sim_swap_days_ago',
      'country',
      'carrier_name',
    ]) {
      expect(Object.keys(ruleFields)).toContain(name);
    }
    for (const name of ['network', 'ported', 'days_since_port', 'line_status', 'roaming', 'prepaid']) {
      expect(Object.keys(ruleFields)).toContain(name);
    }
    for (const name of ['phone_otp_verified', 'channel', 'method', 'status', 'flags']) {
      expect(Object.keys(ruleFields)).toContain(name);
    }
  });
});
