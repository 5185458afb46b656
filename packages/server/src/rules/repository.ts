import type { Rule } from '@proofline/shared';
import { ProoflineError } from '../errors.js';
import type { Store } from '../store/index.js';

export const maxRulesPerSite = 100;

const rulesKey = (siteKey: string) => `site:{${siteKey}}:rules`;

/**
 * A site's workflow rules, kept as one ordered list under one key: evaluation reads them in one
 * round trip, and a compare-and-set makes concurrent edits from any instance safe.
 */
export class RulesRepository {
  constructor(private readonly store: Store) {}

  async list(siteKey: string): Promise<Rule[]> {
    const stored = await this.store.get(rulesKey(siteKey));
    return stored === null ? [] : (JSON.parse(stored) as Rule[]);
  }

  /** Adds the rule at the end, or replaces the rule with the same `rule_id` in its place. */
  async upsert(siteKey: string, rule: Rule): Promise<{ rule: Rule; created: boolean }> {
    const key = rulesKey(siteKey);
    for (;;) {
      const stored = await this.store.get(key);
      const rules: Rule[] = stored === null ? [] : JSON.parse(stored);
      const index = rules.findIndex((existing) => existing.rule_id === rule.rule_id);
      if (index === -1 && rules.length >= maxRulesPerSite) {
        throw new ProoflineError('bad_request', `A site has at most ${maxRulesPerSite} rules.`);
      }
      if (index === -1) rules.push(rule);
      else rules[index] = rule;
      if (await this.store.compareAndSet(key, stored, JSON.stringify(rules))) {
        return { rule, created: index === -1 };
      }
    }
  }

  /** Answers whether there was such a rule. */
  async delete(siteKey: string, ruleId: string): Promise<boolean> {
    const key = rulesKey(siteKey);
    for (;;) {
      const stored = await this.store.get(key);
      if (stored === null) return false;
      const rules: Rule[] = JSON.parse(stored);
      const remaining = rules.filter((rule) => rule.rule_id !== ruleId);
      if (remaining.length === rules.length) return false;
      if (await this.store.compareAndSet(key, stored, JSON.stringify(remaining))) return true;
    }
  }
}
