import type { RiskAssessment, Settings } from '@proofline/shared';
import type { PhoneLookup } from '../lookup/index.js';

/** The flags the site's settings put on a looked-up number: `voip` (`flag_voip`), `sim_swap` (`sim_swap_check`). */
export function settingsFlags(settings: Settings, lookup: PhoneLookup): string[] {
  const flags = riskFlags(settings, lookup.output.risk_assessment);
  return settings.flag_voip && lookup.output.type === 'voip' ? ['voip', ...flags] : flags;
}

/** The flags the site's settings put on a risk assessment: `sim_swap` (`sim_swap_check`). */
export function riskFlags(settings: Settings, risk: RiskAssessment): string[] {
  const swapped = risk.factors.some((factor) => factor.factor === 'recent_sim_swap');
  return settings.sim_swap_check && swapped ? ['sim_swap'] : [];
}

/**
 * `require_otp: false`: a number is approved from its lookup alone when its risk is low, its SIM
 * was not changed within `sim_swap_threshold_days` (whatever the weights say) and no rule asked
 * for a code (`require_otp`, `send_otp`) or blocked it. With `require_otp: true` never.
 */
export function approvesWithoutCode(
  settings: Settings,
  lookup: { risk: RiskAssessment; simSwapDaysAgo: number | null | undefined },
  decision: { requireOtp?: boolean; channel?: string; block?: unknown },
): boolean {
  if (settings.require_otp || decision.requireOtp || decision.channel || decision.block) return false;
  const swapped = lookup.simSwapDaysAgo;
  if (swapped !== null && swapped !== undefined && swapped <= settings.sim_swap_threshold_days) return false;
  return lookup.risk.risk_level === 'low';
}
