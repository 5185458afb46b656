import type {
  Rule,
  RuleAction,
  RuleCondition,
  RuleField,
  RuleGroup,
  RuleNode,
  RuleTrigger,
} from '@proofline/shared';

/** A fact as flows report it; null and undefined both mean "not known". */
type FactValue = string | number | boolean | readonly string[] | null | undefined;

/** The facts of one moment (lookup and verification fields by their documented names). */
export type RuleFacts = Partial<Record<RuleField, FactValue>>;

/** An action to carry out, with the rule that asked for it (for reasons, cases and logs). */
export type TriggeredAction = RuleAction & { rule_id: string };

type Scalar = string | number | boolean;

const isGroup = (node: RuleNode): node is RuleGroup => 'all' in node || 'any' in node;

function known(value: FactValue): value is Scalar | readonly string[] {
  return value !== null && value !== undefined;
}

function compare(fact: Scalar | readonly string[], condition: RuleCondition): boolean {
  const { operator, value } = condition;
  switch (operator) {
    case 'eq':
      return fact === value;
    case 'ne':
      return fact !== value;
    case 'lt':
      return typeof fact === 'number' && typeof value === 'number' && fact < value;
    case 'lte':
      return typeof fact === 'number' && typeof value === 'number' && fact <= value;
    case 'gt':
      return typeof fact === 'number' && typeof value === 'number' && fact > value;
    case 'gte':
      return typeof fact === 'number' && typeof value === 'number' && fact >= value;
    case 'in':
      return Array.isArray(value) && !Array.isArray(fact) && value.includes(fact as Scalar);
    case 'not_in':
      return Array.isArray(value) && !Array.isArray(fact) && !value.includes(fact as Scalar);
    case 'contains':
      if (typeof value !== 'string') return false;
      // Lists hold exact names (flags, factors); text is searched without regard to case.
      if (Array.isArray(fact)) return fact.includes(value);
      return typeof fact === 'string' && fact.toLowerCase().includes(value.toLowerCase());
    default:
      return false;
  }
}

/** An unknown fact satisfies only `exists: false`: a rule never acts on what nobody knows. */
function matchCondition(condition: RuleCondition, facts: RuleFacts): boolean {
  const fact = (facts as Record<string, FactValue>)[condition.field];
  if (condition.operator === 'exists') return known(fact) === (condition.value ?? true);
  return known(fact) && compare(fact, condition);
}

function matchNode(node: RuleNode, facts: RuleFacts): boolean {
  if (!isGroup(node)) return matchCondition(node, facts);
  if ('all' in node) return node.all.every((child) => matchNode(child, facts));
  return node.any.some((child) => matchNode(child, facts));
}

/** Whether a rule's conditions hold for the facts (trigger and `enabled` aside). */
export function ruleMatches(rule: Pick<Rule, 'conditions'>, facts: RuleFacts): boolean {
  return matchNode(rule.conditions, facts);
}

/**
 * The actions of every enabled rule for this trigger whose conditions hold, in rule order and
 * then action order. Pure: the flows decide what each action does.
 */
export function evaluateRules(
  rules: readonly Rule[],
  trigger: RuleTrigger,
  facts: RuleFacts,
): TriggeredAction[] {
  return rules
    .filter((rule) => rule.enabled !== false && rule.trigger === trigger && ruleMatches(rule, facts))
    .flatMap((rule) => rule.actions.map((action) => ({ ...action, rule_id: rule.rule_id })));
}

function fieldsOf(node: RuleNode, into: Set<string>): void {
  if (!isGroup(node)) into.add(node.field);
  else for (const child of 'all' in node ? node.all : node.any) fieldsOf(child, into);
}

/** The fact fields that the enabled rules of these triggers read: what a flow must find out for them. */
export function fieldsReadBy(rules: readonly Rule[], triggers: readonly RuleTrigger[]): Set<string> {
  const fields = new Set<string>();
  for (const rule of rules) {
    if (rule.enabled !== false && triggers.includes(rule.trigger)) fieldsOf(rule.conditions, fields);
  }
  return fields;
}
