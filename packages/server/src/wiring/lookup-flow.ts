import type { LookupAnswer, LookupInput, Settings } from '@proofline/shared';
import { lookupPhone } from '../lookup/index.js';
import { type FlowHooksDeps, lookupContext, siteRuleHooks } from './flow-hooks.js';
import { publishRuleMatches } from './rule-matches.js';

/** `POST /v1/phone/lookup` with the site's `phone_lookup_complete` rules. */
export type PhoneLookupFlow = (
  siteKey: string,
  settings: Settings,
  input: LookupInput,
) => Promise<LookupAnswer>;

/**
 * The lookup, then the site's `phone_lookup_complete` rules on its facts: their flags (and the
 * settings' `voip` / `sim_swap` flags), the cases they open (announced as `case.created`), what
 * `request_info` asks for, and `webhook` actions as `rule.matched`. Actions that steer a
 * verification (`block`, `require_otp`, `send_otp`) act when one starts for the number.
 */
export function phoneLookupFlow(deps: FlowHooksDeps): PhoneLookupFlow {
  const hooks = siteRuleHooks(deps);
  return async (siteKey, settings, input) => {
    const lookup = await lookupPhone(
      input,
      { ...deps.lookupSources, clock: deps.clock },
      lookupContext(settings),
    );
    const decision = await hooks.onLookup({
      siteKey,
      settings,
      lookup,
      applicantId: input.applicant_id ?? null,
    });
    await publishRuleMatches(
      deps.webhooks,
      { siteKey, trigger: 'phone_lookup_complete', verificationId: null, phone: lookup.e164, status: null },
      decision,
    );
    return {
      ...lookup.output,
      flags: decision.flags,
      cases: decision.cases,
      info_needed: decision.requestInfo ?? [],
    };
  };
}
