import type {
  Case,
  Channel,
  RiskAssessment,
  RuleTrigger,
  Settings,
  VerificationMethod,
} from '@proofline/shared';
import type { PhoneLookup } from '../lookup/index.js';
import type { CasesRepository } from './cases.js';
import { evaluateRules, type RuleFacts, type TriggeredAction } from './evaluate.js';
import { lookupFacts } from './lookup-facts.js';
import type { RulesRepository } from './repository.js';
import { approvesWithoutCode, settingsFlags } from './site-policy.js';

/** A verification at a trigger, as the verification flow reports it (its `VerificationEvent`). */
export type RuleEvent = {
  verificationId: string;
  siteKey: string;
  settings: Settings;
  phone: string;
  channel: Channel | null;
  status: string;
  flags: string[];
  risk: RiskAssessment | null;
  method?: VerificationMethod | null;
  /** The site's applicant (`applicant_id`), carried onto the cases rules open. */
  applicantId?: string | null;
  action?: string | null;
};

/** A `POST /v1/phone/lookup` as the `phone_lookup_complete` rules see it (no verification yet). */
export type LookupEvent = {
  siteKey: string;
  settings: Settings;
  lookup: PhoneLookup;
  applicantId: string | null;
};

/** What the rules decided at the start: flags, risk, and whether to block, insist on a code, or pick a channel. */
export type RuleStartDecision = {
  flags: string[];
  risk: RiskAssessment | null;
  block?: { reason: string };
  requireOtp?: boolean;
  channel?: Channel;
  requestInfo?: string[];
  /** `require_otp: false` and nothing speaks against the number: approve it without a code. */
  approveWithoutCode?: boolean;
  /** Events asked for by `webhook` actions. */
  webhooks?: string[];
  cases: Case[];
};

export type RuleHooksDeps = {
  rules: RulesRepository;
  cases: CasesRepository;
  /** Told of each case a rule opened (the webhooks domain sends `case.created`). */
  onCaseCreated?: (siteKey: string, item: Case) => Promise<void>;
};

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/**
 * The rules and risk side of the verification flow: at start it reads the start's lookup (made
 * once, by the flow) and runs the `phone_lookup_complete` and `verification_started` rules; at the end it runs
 * `verification_approved` or `verification_failed`. Fits the flow's `VerificationHooks` seam.
 */
export function ruleHooks(deps: RuleHooksDeps) {
  async function apply(
    event: Pick<RuleEvent, 'siteKey' | 'phone' | 'risk' | 'applicantId'> & { verificationId: string | null },
    actions: TriggeredAction[],
    flags: string[],
  ): Promise<RuleStartDecision> {
    const decision: RuleStartDecision = { flags: [...flags], risk: event.risk, cases: [] };
    for (const action of actions) {
      if (action.type === 'add_flag') decision.flags.push(action.flag);
      if (action.type === 'block')
        decision.block ??= { reason: action.reason ?? `Blocked by rule ${action.rule_id}.` };
      if (action.type === 'require_otp') decision.requireOtp = true;
      if (action.type === 'send_otp') decision.channel ??= action.channel;
      if (action.type === 'request_info')
        decision.requestInfo = unique([...(decision.requestInfo ?? []), ...action.info_needed]);
      if (action.type === 'webhook')
        decision.webhooks = unique([...(decision.webhooks ?? []), action.event ?? 'rule.matched']);
    }
    decision.flags = unique(decision.flags);
    // Cases carry every flag of the moment, so they are opened after all flags are known.
    for (const action of actions) {
      if (action.type !== 'create_case') continue;
      const item = await deps.cases.create(event.siteKey, {
        case_type: action.case_type,
        priority: action.priority,
        title: action.title,
        verification_id: event.verificationId,
        phone: event.phone,
        flags: decision.flags,
        applicant_id: event.applicantId ?? null,
      });
      decision.cases.push(item);
      await deps.onCaseCreated?.(event.siteKey, item);
    }
    return decision;
  }

  function eventFacts(event: RuleEvent): RuleFacts {
    return {
      channel: event.channel,
      status: event.status,
      method: event.method ?? null,
      action: event.action ?? null,
      flags: event.flags,
      phone_otp_verified: event.status === 'approved' && event.method === 'otp',
      silent_verified: event.status === 'approved' && event.method === 'silent',
      ...(event.risk
        ? {
            risk_score: event.risk.risk_score,
            risk_level: event.risk.risk_level,
            risk_factors: event.risk.factors.map((factor) => factor.factor),
          }
        : {}),
    };
  }

  async function atEnd(trigger: RuleTrigger, event: RuleEvent): Promise<RuleStartDecision> {
    const rules = await deps.rules.list(event.siteKey);
    return apply(event, evaluateRules(rules, trigger, eventFacts(event)), event.flags);
  }

  return {
    /** `lookup`: the start's one lookup of the number, made by the flow (`wiring/flow-hooks.ts`). */
    async onStarted(event: RuleEvent, lookup: PhoneLookup): Promise<RuleStartDecision> {
      const { settings } = event;
      const risk = lookup.output.risk_assessment;
      const flags = [...event.flags, ...settingsFlags(settings, lookup)];
      const rules = await deps.rules.list(event.siteKey);
      // The facts only when a rule can read them: most sites have none, and a start builds them.
      const facts: RuleFacts | null =
        rules.length === 0 ? null : { ...lookupFacts(lookup), ...eventFacts({ ...event, risk }) };
      const actions = facts
        ? [
            ...evaluateRules(rules, 'phone_lookup_complete', facts),
            ...evaluateRules(rules, 'verification_started', facts),
          ]
        : [];
      const decision = await apply({ ...event, risk }, actions, flags);
      const simSwapDaysAgo = lookup.signals.simSwapDaysAgo;
      if (approvesWithoutCode(settings, { risk, simSwapDaysAgo }, decision))
        decision.approveWithoutCode = true;
      return decision;
    },
    /** `POST /v1/phone/lookup`: the `phone_lookup_complete` rules on the lookup's facts. */
    async onLookup(event: LookupEvent): Promise<RuleStartDecision> {
      const { lookup } = event;
      const facts: RuleFacts = { ...lookupFacts(lookup), phone_otp_verified: false, silent_verified: false };
      const rules = await deps.rules.list(event.siteKey);
      return apply(
        {
          siteKey: event.siteKey,
          phone: lookup.e164,
          risk: lookup.output.risk_assessment,
          applicantId: event.applicantId,
          verificationId: null,
        },
        evaluateRules(rules, 'phone_lookup_complete', facts),
        settingsFlags(event.settings, lookup),
      );
    },
    onApproved: (event: RuleEvent) => atEnd('verification_approved', event),
    onFailed: (event: RuleEvent) => atEnd('verification_failed', event),
  };
}
