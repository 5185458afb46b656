import { z } from 'zod';
import { CasePriority, CaseType, FlagName } from './cases.js';
import { LineStatus, PhoneType } from './lookup.js';
import { Channel, RiskLevel, VerificationMethod, VerificationStatus } from './verification.js';

export const RuleTrigger = z.enum([
  'phone_lookup_complete',
  'verification_started',
  'verification_approved',
  'verification_failed',
]);
export type RuleTrigger = z.infer<typeof RuleTrigger>;

export const RuleOperator = z.enum([
  'eq',
  'ne',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'not_in',
  'contains',
  'exists',
]);
export type RuleOperator = z.infer<typeof RuleOperator>;

/** `string` fields with `values` are enumerations: a rule may only compare them with those values. */
export type RuleFieldSpec = {
  type: 'string' | 'number' | 'boolean' | 'string_list';
  values?: readonly string[];
  description: string;
};

/**
 * Every fact a rule can test, by its documented name. Lookup facts exist from
 * `phone_lookup_complete` on; verification facts from `verification_started` on.
 */
export const ruleFields = {
  phone_type: { type: 'string', values: PhoneType.options, description: 'Line type of the number.' },
  valid: { type: 'boolean', description: 'Whether the number is valid per libphonenumber metadata.' },
  country: { type: 'string', description: "The number's country, ISO 3166 alpha-2." },
  country_code: { type: 'string', description: 'The calling code without +, e.g. "44".' },
  region: { type: 'string', description: 'Geographic region of the number, when known.' },
  carrier_name: { type: 'string', description: 'Current carrier (operator) or original range holder.' },
  network: { type: 'string', description: 'Operator network as MCC+MNC, e.g. "23415".' },
  voip_carrier: { type: 'boolean', description: 'The carrier is on the list of VoIP providers.' },
  line_status: { type: 'string', values: LineStatus.options, description: 'Line status per operator.' },
  ported: { type: 'boolean', description: 'The number was ported from another carrier.' },
  days_since_port: { type: 'number', description: 'Days since the latest port.' },
  roaming: { type: 'boolean', description: 'The device is roaming.' },
  prepaid: { type: 'boolean', description: 'The line is prepaid.' },
  days_since_activation: { type: 'number', description: 'Days since the line was activated.' },
  sim_swap_days_ago: { type: 'number', description: 'Days since the latest SIM change.' },
  number_recycled: { type: 'boolean', description: 'The number was reassigned to a new subscriber.' },
  fraud_history: { type: 'boolean', description: 'The operator reports fraud on this line.' },
  risk_score: { type: 'number', description: 'Risk score 0–100.' },
  risk_level: { type: 'string', values: RiskLevel.options, description: 'Risk level.' },
  risk_factors: { type: 'string_list', description: 'Names of the risk factors that apply.' },
  applicant_country: { type: 'string', description: 'Country the applicant declared.' },
  ip_country: { type: 'string', description: 'Country of the request IP, when known.' },
  channel: { type: 'string', values: Channel.options, description: 'OTP channel of the verification.' },
  method: { type: 'string', values: VerificationMethod.options, description: 'silent or otp.' },
  status: { type: 'string', values: VerificationStatus.options, description: 'Verification status.' },
  phone_otp_verified: { type: 'boolean', description: 'A one-time code was checked right.' },
  silent_verified: { type: 'boolean', description: 'The operator confirmed the number silently.' },
  attempts_left: { type: 'number', description: 'Code checks left.' },
  sends: { type: 'number', description: 'Codes sent so far.' },
  action: { type: 'string', description: "The page's action name (as in Turnstile)." },
  flags: { type: 'string_list', description: 'Flags already on the verification.' },
} as const satisfies Record<string, RuleFieldSpec>;
export type RuleField = keyof typeof ruleFields;

const operatorsByType: Record<RuleFieldSpec['type'], readonly RuleOperator[]> = {
  string: ['eq', 'ne', 'in', 'not_in', 'contains', 'exists'],
  number: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'not_in', 'exists'],
  boolean: ['eq', 'ne', 'exists'],
  string_list: ['contains', 'exists'],
};

/** Operators allowed on a field: substring search makes no sense on an enumeration. */
export function operatorsFor(spec: RuleFieldSpec): readonly RuleOperator[] {
  const allowed = operatorsByType[spec.type];
  return spec.values ? allowed.filter((operator) => operator !== 'contains') : allowed;
}

export function ruleFieldSpec(field: string): RuleFieldSpec | undefined {
  return Object.hasOwn(ruleFields, field) ? ruleFields[field as RuleField] : undefined;
}

const Scalar = z.union([z.string().max(256), z.number(), z.boolean()]);
const ConditionValue = z.union([Scalar, z.array(Scalar).min(1).max(100)]);
type ConditionValue = z.infer<typeof ConditionValue>;

export type RuleCondition = { field: string; operator: RuleOperator; value?: ConditionValue };
export type RuleGroup = { all: RuleNode[] } | { any: RuleNode[] };
export type RuleNode = RuleCondition | RuleGroup;

type RawNode = {
  field?: string;
  operator?: RuleOperator;
  value?: ConditionValue;
  all?: RawNode[];
  any?: RawNode[];
};

function fitsType(value: unknown, spec: RuleFieldSpec): boolean {
  switch (spec.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return typeof value === 'string' && (!spec.values || spec.values.includes(value));
  }
}

function describe(spec: RuleFieldSpec): string {
  return spec.values
    ? `one of ${spec.values.join(', ')}`
    : `a ${spec.type === 'string_list' ? 'string' : spec.type}`;
}

/** Checks one condition against the field catalogue; issues point at `field`, `operator` or `value`. */
function checkCondition(node: RawNode, ctx: z.RefinementCtx): void {
  if (node.all !== undefined || node.any !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['field'],
      message: 'a condition has no all/any; nest a group instead',
    });
    return;
  }
  if (node.field === undefined) {
    ctx.addIssue({ code: 'custom', path: ['field'], message: 'a condition needs a field' });
    return;
  }
  const spec = ruleFieldSpec(node.field);
  if (!spec) {
    ctx.addIssue({ code: 'custom', path: ['field'], message: `unknown field "${node.field}"` });
    return;
  }
  if (node.operator === undefined) {
    ctx.addIssue({ code: 'custom', path: ['operator'], message: 'a condition needs an operator' });
    return;
  }
  const allowed = operatorsFor(spec);
  if (!allowed.includes(node.operator)) {
    ctx.addIssue({
      code: 'custom',
      path: ['operator'],
      message: `operator "${node.operator}" does not fit ${node.field}; use one of ${allowed.join(', ')}`,
    });
    return;
  }
  const { operator, value } = node;
  const bad = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message });
  if (operator === 'exists') {
    if (value !== undefined && typeof value !== 'boolean') bad('exists takes true, false or no value');
  } else if (operator === 'in' || operator === 'not_in') {
    if (!Array.isArray(value) || !value.every((item) => fitsType(item, spec))) {
      bad(`${operator} takes a list of values, each ${describe(spec)}`);
    }
  } else if (operator === 'contains') {
    if (typeof value !== 'string') bad('contains takes a string');
  } else if (operator === 'lt' || operator === 'lte' || operator === 'gt' || operator === 'gte') {
    if (typeof value !== 'number' || !Number.isFinite(value)) bad(`${operator} takes a number`);
  } else if (!fitsType(value, spec)) {
    bad(`${operator} on ${node.field} takes ${describe(spec)}`);
  }
}

function checkGroup(node: RawNode, ctx: z.RefinementCtx): void {
  if ((node.all === undefined) === (node.any === undefined)) {
    ctx.addIssue({ code: 'custom', path: [], message: 'a group has exactly one of all or any' });
  }
}

const maxDepth = 5;
const maxConditions = 50;

function measure(node: RawNode, depth = 1): { depth: number; conditions: number } {
  const children = node.all ?? node.any;
  if (!children) return { depth, conditions: 1 };
  return children.reduce(
    (total, child) => {
      const inner = measure(child, depth + 1);
      return { depth: Math.max(total.depth, inner.depth), conditions: total.conditions + inner.conditions };
    },
    { depth, conditions: 0 },
  );
}

const isCondition = (node: RawNode) =>
  node.field !== undefined || node.operator !== undefined || node.value !== undefined;

// One object shape for conditions and groups (rather than a union) keeps zod's issue paths
// pointing at the mistake, e.g. `conditions.all.1.operator`, instead of at a failed union.
const NodeShape = z.strictObject({
  field: z.string().max(64).optional(),
  operator: RuleOperator.optional(),
  value: ConditionValue.optional(),
  get all() {
    return z.array(Node).min(1).max(20).optional();
  },
  get any() {
    return z.array(Node).min(1).max(20).optional();
  },
});

const Node: z.ZodType<RawNode> = NodeShape.superRefine((node, ctx) => {
  if (isCondition(node)) checkCondition(node, ctx);
  else checkGroup(node, ctx);
});

/**
 * `{all: [...]}` or `{any: [...]}` of conditions `{field, operator, value}` and nested groups.
 * Typed as the tidy union the evaluator uses; the schema underneath is the one shape above.
 */
export const RuleConditions = NodeShape.superRefine((node, ctx) => {
  if (isCondition(node)) {
    ctx.addIssue({ code: 'custom', path: [], message: 'conditions start with {all: [...]} or {any: [...]}' });
    return;
  }
  checkGroup(node, ctx);
  const size = measure(node);
  if (size.depth > maxDepth) {
    ctx.addIssue({ code: 'custom', path: [], message: `groups nest at most ${maxDepth} deep` });
  }
  if (size.conditions > maxConditions) {
    ctx.addIssue({ code: 'custom', path: [], message: `at most ${maxConditions} conditions in a rule` });
  }
}) as unknown as z.ZodType<RuleGroup>;

const InfoItem = z.string().trim().min(1).max(256);
/**
 * What a `request_info` action asks the site to collect: one sentence, as TrustGate writes it
 * (`"Phone verification required"`), or a list of them; always kept as a list.
 */
export const InfoNeeded = z
  .union([InfoItem, z.array(InfoItem).min(1).max(10)])
  .transform((value) => (typeof value === 'string' ? [value] : value))
  // Described as what it becomes, so the OpenAPI document can say what a stored rule holds.
  .pipe(z.array(z.string()));

export const RuleAction = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('block'), reason: z.string().min(1).max(256).optional() }),
  z.strictObject({ type: z.literal('require_otp') }),
  z.strictObject({ type: z.literal('send_otp'), channel: Channel }),
  z.strictObject({ type: z.literal('add_flag'), flag: FlagName }),
  z.strictObject({
    type: z.literal('create_case'),
    case_type: CaseType,
    priority: CasePriority,
    title: z.string().trim().min(1).max(200),
  }),
  z.strictObject({
    type: z.literal('request_info'),
    info_needed: InfoNeeded,
  }),
  z.strictObject({ type: z.literal('webhook'), event: z.string().min(1).max(64).optional() }),
]);
export type RuleAction = z.infer<typeof RuleAction>;

export const RuleId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'up to 64 letters, digits, _ . : -');

/** A site's rule; `rule_id` is the caller's, and posting an existing one replaces it. */
export const Rule = z.strictObject({
  rule_id: RuleId,
  trigger: RuleTrigger,
  conditions: RuleConditions,
  actions: z.array(RuleAction).min(1).max(10),
  description: z.string().max(256).optional(),
  enabled: z.boolean().default(true),
});
export type Rule = z.infer<typeof Rule>;
export type RuleInput = z.input<typeof Rule>;

export const RuleList = z.object({ rules: z.array(Rule) });
export type RuleList = z.infer<typeof RuleList>;

export const RuleIdParams = z.strictObject({ rule_id: RuleId });

export const DeleteRuleOutput = z.object({ rule_id: z.string(), deleted: z.literal(true) });
export type DeleteRuleOutput = z.infer<typeof DeleteRuleOutput>;
