/** Workflow rules as a site writes them, for the tests of rules over HTTP. */

/** VoIP and not yet verified by a code: a silent check is not enough. */
export const voipNeedsOtp = {
  rule_id: 'voip-needs-otp',
  trigger: 'verification_started',
  conditions: {
    all: [
      { field: 'phone_type', operator: 'eq', value: 'voip' },
      { field: 'phone_otp_verified', operator: 'eq', value: false },
    ],
  },
  actions: [{ type: 'require_otp' }],
};

/** A SIM changed within a week: the verification is flagged `flag` and a high-priority case opened. */
export function recentSimSwap(trigger: 'verification_started' | 'phone_lookup_complete', flag: string) {
  return {
    rule_id: 'sim-swap',
    trigger,
    conditions: { all: [{ field: 'sim_swap_days_ago', operator: 'lt', value: 7 }] },
    actions: [
      { type: 'add_flag', flag },
      { type: 'create_case', case_type: 'sim_swap_review', priority: 'high', title: 'Recent SIM swap' },
    ],
  };
}
