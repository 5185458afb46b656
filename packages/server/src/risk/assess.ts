import {
  defaultRiskWeights,
  type PhoneType,
  type RiskAssessment,
  type RiskFactor,
  type RiskFactorName,
  type RiskLevel,
} from '@proofline/shared';
import { withLineTypeFloor } from './line-policy.js';

/** What is known about a number when its risk is assessed; anything unknown is left out or null. */
export type RiskSignals = {
  lineType?: PhoneType;
  /** The VoIP provider running the number (`Google Voice`), when known; named in the VoIP factor. */
  voipProvider?: string | null;
  /** The operator reports fraud on this line. */
  fraudHistory?: boolean | null;
  carrierName?: string | null;
  /** The line's carrier or network is known for fraudulent traffic (e.g. a blocked network). */
  knownFraudCarrier?: boolean | null;
  /** The carrier differs from what the number's range and porting history lead to expect. */
  unusualCarrier?: boolean | null;
  /** Days since the latest port. */
  portedDaysAgo?: number | null;
  /** The number's country, the applicant's declared country and the request IP's country. */
  country?: string | null;
  applicantCountry?: string | null;
  ipCountry?: string | null;
  prepaid?: boolean | null;
  /** Days since the line was activated. */
  activatedDaysAgo?: number | null;
  /** Days since the latest SIM change, and the site's window for calling it recent. */
  simSwapDaysAgo?: number | null;
  simSwapThresholdDays?: number;
  numberRecycled?: boolean | null;
};

/** Per-site overrides of factor contributions (settings `risk_weights`); unknown names are ignored. */
export type RiskWeights =
  | Readonly<Partial<Record<RiskFactorName, number>>>
  | Readonly<Record<string, number>>;

const recentPortDays = 30;
const newNumberDays = 30;
const defaultSimSwapThresholdDays = 7;

export function riskLevelFor(score: number): RiskLevel {
  if (score >= 60) return 'high';
  if (score >= 30) return 'medium';
  return 'low';
}

function ago(days: number): string {
  if (days === 0) return 'today';
  return days === 1 ? '1 day ago' : `${days} days ago`;
}

/** Whole days, or null when the signal is absent or nonsense; a little clock skew counts as today. */
function days(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return Math.max(0, Math.floor(value));
}

function sameCountry(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

function countryMismatch(signals: RiskSignals): string | null {
  const { country, applicantCountry, ipCountry } = signals;
  if (!country) return null;
  if (applicantCountry && !sameCountry(country, applicantCountry)) {
    return `The number is from ${country.toUpperCase()} but the applicant declared ${applicantCountry.toUpperCase()}.`;
  }
  if (ipCountry && !sameCountry(country, ipCountry)) {
    return `The number is from ${country.toUpperCase()} but the request came from ${ipCountry.toUpperCase()}.`;
  }
  return null;
}

/** The factors that apply, each with the one sentence that explains it. */
function applicableFactors(signals: RiskSignals): [RiskFactorName, string][] {
  const found: [RiskFactorName, string][] = [];
  const carrier = signals.carrierName ? `The carrier ${signals.carrierName}` : "The line's carrier";

  if (signals.fraudHistory) found.push(['fraud_history', 'The operator reports earlier fraud on this line.']);
  if (signals.lineType === 'premium') found.push(['premium_rate', 'The number is a premium-rate line.']);
  if (signals.knownFraudCarrier) {
    found.push(['known_fraud_carrier', `${carrier} is known for fraudulent traffic.`]);
  }
  const ported = days(signals.portedDaysAgo);
  if (ported !== null && ported <= recentPortDays) {
    found.push(['recently_ported', `The number was ported to another carrier ${ago(ported)}.`]);
  }
  if (signals.lineType === 'voip') {
    const { voipProvider, carrierName } = signals;
    let details = 'The number is a VoIP line.';
    // TrustGate's wording, word for word: "Google Voice VoIP number".
    if (voipProvider) details = `${voipProvider} VoIP number`;
    else if (carrierName) details = `A VoIP number run by ${carrierName}.`;
    found.push(['voip_number', details]);
  }
  if (signals.lineType === 'virtual') {
    found.push(['virtual_number', 'The number is a virtual number that can forward anywhere.']);
  }
  const mismatch = countryMismatch(signals);
  if (mismatch) found.push(['country_mismatch', mismatch]);
  if (signals.prepaid) found.push(['prepaid', 'The line is prepaid.']);
  const activated = days(signals.activatedDaysAgo);
  if (activated !== null && activated <= newNumberDays) {
    found.push(['new_number', `The line was activated ${ago(activated)}.`]);
  }
  if (signals.unusualCarrier) {
    found.push(['unusual_carrier', `${carrier} is not what the number's range and porting history suggest.`]);
  }
  const swapped = days(signals.simSwapDaysAgo);
  const threshold = signals.simSwapThresholdDays ?? defaultSimSwapThresholdDays;
  if (swapped !== null && swapped <= threshold) {
    found.push(['recent_sim_swap', `The SIM card was changed ${ago(swapped)}.`]);
  }
  if (signals.numberRecycled) {
    found.push(['number_recycled', 'The number was reassigned to a new subscriber.']);
  }
  return found;
}

/** A factor's contribution under the site's weights: its override (0–100), else the default. */
export function weightOf(factor: RiskFactorName, weights: RiskWeights): number {
  const override = (weights as Readonly<Record<string, number>>)[factor];
  if (override === undefined || !Number.isFinite(override)) return defaultRiskWeights[factor];
  return Math.min(100, Math.max(0, Math.round(override)));
}

/**
 * Scores a number 0–100 as the sum of its factors' contributions, capped at 100. Factors are
 * listed largest contribution first, ties by name; a factor weighted 0 by the site is left out.
 * The level is the higher of the score's level and the line type's floor (voip at least medium).
 */
export function assessRisk(signals: RiskSignals, weights: RiskWeights = {}): RiskAssessment {
  const factors: RiskFactor[] = applicableFactors(signals)
    .map(([factor, details]) => ({ factor, contribution: weightOf(factor, weights), details }))
    .filter((factor) => factor.contribution > 0)
    .sort(largestFirst);
  const risk_score = scoreOf(factors);
  return { risk_score, risk_level: withLineTypeFloor(riskLevelFor(risk_score), signals.lineType), factors };
}

/**
 * An assessment with the factors of signals learnt later added (the facts a start left for the
 * approval): the score is the capped sum again, and the level never falls below the earlier one,
 * which already holds the line type's floor.
 */
export function withLaterSignals(
  earlier: RiskAssessment,
  later: RiskSignals,
  weights: RiskWeights = {},
): RiskAssessment {
  const known = new Set(earlier.factors.map((factor) => factor.factor));
  const added = assessRisk(later, weights).factors.filter((factor) => !known.has(factor.factor));
  const factors = [...earlier.factors, ...added].sort(largestFirst);
  const risk_score = scoreOf(factors);
  const level = riskLevelFor(risk_score);
  return {
    risk_score,
    risk_level: levels.indexOf(level) > levels.indexOf(earlier.risk_level) ? level : earlier.risk_level,
    factors,
  };
}

const levels: readonly RiskLevel[] = ['low', 'medium', 'high'];

function largestFirst(a: RiskFactor, b: RiskFactor): number {
  return b.contribution - a.contribution || (a.factor < b.factor ? -1 : 1);
}

function scoreOf(factors: readonly RiskFactor[]): number {
  return Math.min(
    100,
    factors.reduce((sum, factor) => sum + factor.contribution, 0),
  );
}
