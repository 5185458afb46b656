import type { RuleTrigger, Settings } from '@proofline/shared';
import type { Clock } from '../clock/index.js';
import { ProoflineError } from '../errors.js';
import {
  askLineFacts,
  type LaterSource,
  type LookupSources,
  lookupPhone,
  sourcesFor,
} from '../lookup/index.js';
import { assertLineTypeAccepted, withLaterSignals } from '../risk/index.js';
import {
  type CasesRepository,
  fieldsReadBy,
  type RuleStartDecision,
  type RulesRepository,
  riskFactFields,
  riskFlags,
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
  /**
   * Whether the fraud gate may take the number's network from the start's lookup (one ask of the
   * line source per start); false when its networks come from elsewhere (`StartOptions.networkOf`).
   */
  networkFromLookup?: boolean;
};

/**
 * The verification flow's rules and risk (its `VerificationHooks`): at the start a lookup refuses
 * VoIP, virtual or premium-rate lines when the site says so (`line_type_not_allowed`, before anything
 * is stored or sent), then the site's rules decide flags, risk, block, `require_otp`, `send_otp` and
 * `request_info`, and the site's `require_otp: false` may approve a low-risk number without a code;
 * cases they open are announced as `case.created`, and `webhook` actions as `rule.matched`.
 */
export function flowHooks(deps: FlowHooksDeps): VerificationHooks {
  const hooks = siteRuleHooks(deps);

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
      // The risk decides at the start only when a start rule reads it or a low risk skips the code;
      // otherwise the facts that only feed it wait for the approval (`onApproving`).
      const rules = await deps.rules.list(event.siteKey);
      const ruleFields = fieldsReadBy(rules, startTriggers);
      const sources = sourcesFor(deps.lookupSources, {
        riskWeights: event.settings.risk_weights,
        simSwapCheck: event.settings.sim_swap_check,
        ruleFields,
        riskDecidesNow: !event.settings.require_otp || riskFactFields.some((field) => ruleFields.has(field)),
      });
      const lookup = await lookupPhone(
        { phone: event.phone },
        { ...sources.now, clock: deps.clock },
        lookupContext(event.settings),
      );
      assertLineTypeAccepted(event.settings, lookup.output.type);
      // A code sent to a line the operator reports disconnected reaches no one (or its next owner).
      if (lookup.output.line_status === 'inactive' || lookup.output.line_status === 'suspended') {
        throw new ProoflineError('line_not_active', undefined, { line_status: lookup.output.line_status });
      }
      const decision = await hooks.onStarted(event, lookup);
      await announce('verification_started', event, decision);
      return {
        flags: decision.flags,
        risk: decision.risk,
        ...(decision.block ? { block: decision.block } : {}),
        ...(decision.requireOtp ? { requireOtp: true } : {}),
        ...(decision.channel ? { channel: decision.channel } : {}),
        ...(decision.requestInfo ? { infoNeeded: decision.requestInfo } : {}),
        ...(decision.approveWithoutCode ? { approveWithoutCode: true } : {}),
        ...(sources.atApproval.length > 0 ? { atApproval: sources.atApproval } : {}),
        line: { type: lookup.output.type, carrier: lookup.output.carrier.name },
        ...(deps.networkFromLookup !== false && lookup.network !== undefined
          ? { network: lookup.network }
          : {}),
      };
    },
    async onApproving(event, facts) {
      const later = Object.fromEntries(facts.map((name) => [name, deps.lookupSources[name as LaterSource]]));
      const known = await askLineFacts(later, event.phone, deps.clock.now());
      const { riskWeights, simSwapThresholdDays } = lookupContext(event.settings);
      const signals = { ...known, simSwapThresholdDays };
      const risk = event.risk ? withLaterSignals(event.risk, signals, riskWeights) : null;
      return {
        risk,
        flags: risk ? [...new Set([...event.flags, ...riskFlags(event.settings, risk)])] : event.flags,
      };
    },
    async onApproved(event) {
      await announce('verification_approved', event, await hooks.onApproved(event));
    },
    async onFailed(event) {
      await announce('verification_failed', event, await hooks.onFailed(event));
    },
  };
}

export function lookupContext(settings: Settings) {
  return { riskWeights: settings.risk_weights, simSwapThresholdDays: settings.sim_swap_threshold_days };
}

/** The site's rules, whose cases are announced as `case.created`. */
export function siteRuleHooks(deps: Pick<FlowHooksDeps, 'rules' | 'cases' | 'webhooks'>) {
  return ruleHooks({
    rules: deps.rules,
    cases: deps.cases,
    onCaseCreated: (siteKey, item) => deps.webhooks.publish(siteKey, 'case.created', item),
  });
}
