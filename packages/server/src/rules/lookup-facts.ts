import type { PhoneLookup } from '../lookup/index.js';
import type { RuleFacts } from './evaluate.js';

/** The fact fields that read the risk assessment, or the flags the settings derive from it. */
export const riskFactFields: readonly string[] = ['risk_score', 'risk_level', 'risk_factors', 'flags'];

/**
 * A lookup's answer by the rules' field names, for `phone_lookup_complete` and later triggers.
 * Kept in the rules so that lookup knows nothing of them (rules read lookup, never the reverse).
 */
export function lookupFacts({ output, signals }: PhoneLookup): RuleFacts {
  const risk = output.risk_assessment;
  return {
    phone_type: output.type,
    valid: output.valid,
    country: output.location.country,
    country_code: output.location.country_code,
    region: output.location.region,
    carrier_name: output.carrier.name,
    network: output.carrier.network ?? null,
    voip_carrier: (signals.voipProvider ?? null) !== null,
    line_status: output.line_status,
    ported: output.ported,
    days_since_port: signals.portedDaysAgo,
    roaming: output.roaming,
    prepaid: output.prepaid,
    days_since_activation: signals.activatedDaysAgo,
    sim_swap_days_ago: signals.simSwapDaysAgo,
    number_recycled: signals.numberRecycled,
    fraud_history: signals.fraudHistory,
    risk_score: risk.risk_score,
    risk_level: risk.risk_level,
    risk_factors: risk.factors.map((factor) => factor.factor),
    applicant_country: signals.applicantCountry,
    ip_country: signals.ipCountry,
  };
}
