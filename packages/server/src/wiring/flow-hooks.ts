import type { Case, RuleTrigger, Settings } from '@proofline/shared';
import type { Clock } from '../clock/index.js';
import { ProoflineError } from '../errors.js';
import { type LookupSources, lookupPhone, sourcesFor } from '../lookup/index.js';
import {
  type CasesRepository,
  fieldsReadBy,
  type RuleStartDecision,
  type RulesRepository,
  ruleHooks,
} from '../rules/index.js';
import type { VerificationEvent, VerificationHooks, VerificationWebhooks } from '../verification/index.js';
import { publishRuleMatches } from './rule-matches.js';

/** The triggers whose rules run on the start's lookup. */
const startTriggers: readonly RuleTrigger[] = ['phone_lookup_complete', 'verification_started'];

export type FlowHooksDeps = {
  rules: RulesRepository;
  cases: CasesRepository;
  clock: Clock;
  /** Operator-backed lookup sources; empty: offline prefix data only. */
  lookupSources: LookupSources;
  webhooks: VerificationWebhooks;
};

/**
 * The verification flow's rules and risk (its `VerificationHooks`): at the start a lookup refuses
 * VoIP or virtual lines when the site says so (`line_type_not_allowed`, before anything is stored
 * or sent), then the site's rules decide flags, risk, block, `require_otp`, `send_otp` and
 * `request_info`, and the site's `require_otp: false` may approve a low-risk number without a code;
 * cases they open are announced as `case.created`, and `webhook` actions as `rule.matched`.
 */
export function flowHooks(deps: FlowHooksDeps): VerificationHooks {
  const hooksWith = (lookupSources: LookupSources) =>
    ruleHooks({
      rules: deps.rules,
      cases: deps.cases,
      clock: deps.clock,
      lookupSources,
      onCaseCreated: (siteKey: string, item: Case) => deps.webhooks.publish(siteKey, 'case.created', item),
    });
  const atEnd = hooksWith(deps.lookupSources);

  const announce = (trigger: RuleTrigger, event: VerificationEvent, decision: RuleStartDecision) =>
    publishRuleMatches(
      deps.webhooks,
      {
        siteKey: event.siteKey,
        trigger,
        verificationId: event.verificationId,
        phone: event.phone,
        status: event.status,
      },
      decision,
    );

  return {
    async onStarted(event) {
      // Only the operator calls this site's rules, risk weights and settings use, asked together.
      const rules = await deps.rules.list(event.siteKey);
      const sources = sourcesFor(deps.lookupSources, {
        riskWeights: event.settings.risk_weights,
        simSwapCheck: event.settings.sim_swap_check,
        ruleFields: fieldsReadBy(rules, startTriggers),
      });
      const lookup = await lookupPhone(
        { phone: event.phone },
        { ...sources, clock: deps.clock },
        lookupContext(event.settings),
      );
      assertSiteAcceptsLineType(event.settings, lookup.output.type);
      // A code sent to a line the operator reports disconnected reaches no one (or its next owner).
      if (lookup.output.line_status === 'inactive' || lookup.output.line_status === 'suspended') {
        throw new ProoflineError('line_not_active', undefined, { line_status: lookup.output.line_status });
      }
      const decision = await hooksWith(sources).onStarted(event, lookup);
      await announce('verification_started', event, decision);
      return {
        flags: decision.flags,
        risk: decision.risk,
        ...(decision.block ? { block: decision.block } : {}),
        ...(decision.requireOtp ? { requireOtp: true } : {}),
        ...(decision.channel ? { channel: decision.channel } : {}),
        ...(decision.requestInfo ? { infoNeeded: decision.requestInfo } : {}),
        ...(decision.approveWithoutCode ? { approveWithoutCode: true } : {}),
        line: { type: lookup.output.type, carrier: lookup.output.carrier.name },
      };
    },
    async onApproved(event) {
      await announce('verification_approved', event, await atEnd.onApproved(event));
    },
    async onFailed(event) {
      await announce('verification_failed', event, await atEnd.onFailed(event));
    },
  };
}

export function lookupContext(settings: Settings) {
  return { riskWeights: settings.risk_weights, simSwapThresholdDays: settings.sim_swap_threshold_days };
}

/** The site's `block_voip` and `block_virtual`, decided on the lookup's line type. */
function assertSiteAcceptsLineType(settings: Settings, type: string): void {
  if ((settings.block_voip && type === 'voip') || (settings.block_virtual && type === 'virtual')) {
    throw new ProoflineError('line_type_not_allowed', `This site does not accept ${type} numbers.`, {
      line_type: type,
    });
  }
}
