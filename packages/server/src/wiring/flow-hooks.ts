import type { Case, RuleTrigger, Settings } from '@proofline/shared';
import type { Clock } from '../clock/index.js';
import { ProoflineError } from '../errors.js';
import { type LookupDeps, lookupPhone } from '../lookup/index.js';
import {
  type CasesRepository,
  type RuleStartDecision,
  type RulesRepository,
  ruleHooks,
} from '../rules/index.js';
import type { VerificationEvent, VerificationHooks, VerificationWebhooks } from '../verification/index.js';

export type FlowHooksDeps = {
  rules: RulesRepository;
  cases: CasesRepository;
  clock: Clock;
  /** Operator-backed lookup sources; empty: offline prefix data only. */
  lookupSources: Omit<LookupDeps, 'clock'>;
  webhooks: VerificationWebhooks;
};

/**
 * The verification flow's rules and risk (its `VerificationHooks`): at the start a lookup refuses
 * VoIP or virtual lines when the site says so (`line_type_not_allowed`, before anything is stored
 * or sent), then the site's rules decide flags, risk, block, `require_otp` and `send_otp`; cases
 * they open are announced as `case.created`, and `webhook` actions as `rule.matched`.
 */
export function flowHooks(deps: FlowHooksDeps): VerificationHooks {
  const hooksWith = (lookupSources: Omit<LookupDeps, 'clock'>) =>
    ruleHooks({
      rules: deps.rules,
      cases: deps.cases,
      clock: deps.clock,
      lookupSources,
      onCaseCreated: (siteKey: string, item: Case) => deps.webhooks.publish(siteKey, 'case.created', item),
    });
  const atEnd = hooksWith(deps.lookupSources);

  const announce = async (trigger: RuleTrigger, event: VerificationEvent, decision: RuleStartDecision) => {
    for (const name of decision.webhooks ?? []) {
      await deps.webhooks.publish(event.siteKey, 'rule.matched', {
        event: name,
        trigger,
        verification_id: event.verificationId,
        phone: event.phone,
        status: event.status,
        flags: decision.flags,
        risk: decision.risk,
        case_ids: decision.cases.map((item) => item.case_id),
      });
    }
  };

  return {
    async onStarted(event) {
      // The gate and the rules each look the number up; the operator is asked once for both.
      const sources = memoized(deps.lookupSources);
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
      const decision = await hooksWith(sources).onStarted(event);
      await announce('verification_started', event, decision);
      return {
        flags: decision.flags,
        risk: decision.risk,
        ...(decision.block ? { block: decision.block } : {}),
        ...(decision.requireOtp ? { requireOtp: true } : {}),
        ...(decision.channel ? { channel: decision.channel } : {}),
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

function lookupContext(settings: Settings) {
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

/** The same sources, each answer kept for the life of this object (one verification start). */
function memoized(sources: Omit<LookupDeps, 'clock'>): Omit<LookupDeps, 'clock'> {
  const memo = <T>(source: ((e164: string) => Promise<T>) | undefined) => {
    if (!source) return undefined;
    const answers = new Map<string, Promise<T>>();
    return (e164: string) => {
      let answer = answers.get(e164);
      if (!answer) {
        answer = source(e164);
        answers.set(e164, answer);
      }
      return answer;
    };
  };
  const { lineInfo, simSwapDate, activatedAt, roaming, recycled, ...rest } = sources;
  return {
    ...rest,
    ...optional('lineInfo', memo(lineInfo)),
    ...optional('simSwapDate', memo(simSwapDate)),
    ...optional('activatedAt', memo(activatedAt)),
    ...optional('roaming', memo(roaming)),
    ...optional('recycled', memo(recycled)),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
