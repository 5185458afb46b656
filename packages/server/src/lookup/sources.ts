import type { RiskFactorName } from '@proofline/shared';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock/index.js';
import { type RiskWeights, weightOf } from '../risk/index.js';
import type { LookupDeps } from './lookup.js';

/** Lookup's per-number sources (the operator's, when there is one). */
export type LookupSources = Omit<LookupDeps, 'clock'>;

/** What the answers of one lookup will be used for: the site's risk weights and settings, its rules. */
export type LookupUse = {
  riskWeights?: RiskWeights;
  /** The site flags recent SIM swaps (`sim_swap_check`). */
  simSwapCheck?: boolean;
  /** The fact fields the rules that run on this lookup read (`fieldsReadBy`). */
  ruleFields: ReadonlySet<string>;
  /**
   * Whether the risk decides anything now (a rule reads the score, level, factors or flags; the
   * site approves low-risk numbers without a code). False: a fact that only feeds the risk the
   * result reports is left for the approval (`atApproval`). Default true.
   */
  riskDecidesNow?: boolean;
};

/** An optional source whose fact can wait for the approval (roaming feeds no risk factor). */
export type LaterSource = 'simSwapDate' | 'activatedAt' | 'recycled';

/**
 * The sources only some sites need, with the rule fields and the risk factor each one feeds. Line
 * info is not among them: the line type decides the channels, the fraud gate keys on the network.
 */
const optionalSources: Record<
  LaterSource | 'roaming',
  { fields: readonly string[]; factor: RiskFactorName | null }
> = {
  simSwapDate: { fields: ['sim_swap_days_ago'], factor: 'recent_sim_swap' },
  activatedAt: { fields: ['days_since_activation'], factor: 'new_number' },
  recycled: { fields: ['number_recycled'], factor: 'number_recycled' },
  roaming: { fields: ['roaming'], factor: null },
};

/**
 * The sources a lookup needs for this use: one is asked only when a rule reads its fact, the risk
 * assessment weighs its factor above 0, or a setting needs it; the others stay unknown (null).
 * One needed only for the risk, while the risk decides nothing yet, is not asked now but named in
 * `atApproval`: a verification that never gets that far never costs its operator call.
 */
export function sourcesFor(
  sources: LookupSources,
  use: LookupUse,
): { now: LookupSources; atApproval: LaterSource[] } {
  const now: LookupSources = { ...sources };
  const atApproval: LaterSource[] = [];
  for (const [name, feeds] of Object.entries(optionalSources)) {
    const source = name as keyof typeof optionalSources;
    const ask = sources[source];
    delete now[source];
    if (!ask) continue;
    const forRules = feeds.fields.some((field) => use.ruleFields.has(field));
    const forRisk =
      (feeds.factor !== null && weightOf(feeds.factor, use.riskWeights ?? {}) > 0) ||
      (source === 'simSwapDate' && use.simSwapCheck === true);
    if (forRules || (forRisk && use.riskDecidesNow !== false)) Object.assign(now, { [source]: ask });
    else if (forRisk && source !== 'roaming') atApproval.push(source);
  }
  return { now, atApproval };
}

export type SharedAnswersOptions = {
  clock: Clock;
  /** How long an answer about a number is reused. */
  ttlMs: number;
  /** Numbers remembered at most (least recently used go first). */
  max: number;
};

/**
 * A per-number source whose answer is asked once and shared for `ttlMs` by every caller on this
 * instance (the fraud gate and the lookup of one start, the next start for the same number, a
 * lookup call). A failure is not kept: the next caller asks again.
 */
export function sharedByNumber<T>(
  source: (e164: string) => Promise<T>,
  options: SharedAnswersOptions,
): (e164: string) => Promise<T> {
  const answers = new LRUCache<string, Promise<T>>({
    max: options.max,
    ttl: options.ttlMs,
    // Time from the clock port, read on every access, so tests move it exactly.
    perf: { now: () => options.clock.now() },
    ttlResolution: 0,
  });
  return (e164) => {
    const known = answers.get(e164);
    if (known) return known;
    const answer = source(e164);
    answers.set(e164, answer);
    answer.catch(() => {
      if (answers.get(e164) === answer) answers.delete(e164);
    });
    return answer;
  };
}
