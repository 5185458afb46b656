import type { Rule } from '@proofline/shared';
import type { Clock } from '../clock/index.js';
import { ProoflineError } from '../errors.js';
import { InstanceCache, type Store } from '../store/index.js';

export const maxRulesPerSite = 100;

const rulesKey = (siteKey: string) => `site:{${siteKey}}:rules`;

/**
 * A site's workflow rules, kept as one ordered list under one key: evaluation reads them in one
 * round trip (none while cached: with a cache, each instance keeps them for its short TTL and every
 * change drops them on every instance), and a compare-and-set makes concurrent edits safe.
 */
export class RulesRepository {
  private readonly cache: InstanceCache<string | null> | null;

  constructor(
    private readonly store: Store,
    cache?: { clock: Clock; ttlMs: number },
  ) {
    this.cache = cache ? new InstanceCache({ store, channel: 'site:rules-changed', ...cache }) : null;
  }

  /** Hears the changes other instances make (with a cache); resolves once subscribed. */
  async listen(): Promise<void> {
    await this.cache?.listen();
  }

  async list(siteKey: string): Promise<Rule[]> {
    const key = rulesKey(siteKey);
    const stored = this.cache
      ? await this.cache.get(key, () => this.store.get(key))
      : await this.store.get(key);
    return stored === null ? [] : (JSON.parse(stored) as Rule[]);
  }

  /** Writes the rules if they are still `expected`, and drops them from every instance's cache. */
  private async replace(key: string, expected: string | null, next: Rule[]): Promise<boolean> {
    if (!(await this.store.compareAndSet(key, expected, JSON.stringify(next)))) return false;
    await this.cache?.invalidate(key);
    return true;
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
      if (await this.replace(key, stored, rules)) {
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
      if (await this.replace(key, stored, remaining)) return true;
    }
  }
}
