import type { RuleTrigger } from '@proofline/shared';
import type { RuleStartDecision } from '../rules/index.js';
import type { VerificationWebhooks } from '../verification/index.js';

/** What a rule matched on: a verification at one of its triggers, or a lookup (no verification). */
export type RuleMatchContext = {
  siteKey: string;
  trigger: RuleTrigger;
  verificationId: string | null;
  phone: string;
  status: string | null;
};

/** Each `webhook` action of the decision goes to the site as one `rule.matched` event. */
export async function publishRuleMatches(
  webhooks: VerificationWebhooks,
  context: RuleMatchContext,
  decision: RuleStartDecision,
): Promise<void> {
  for (const name of decision.webhooks ?? []) {
    await webhooks.publish(context.siteKey, 'rule.matched', {
      event: name,
      trigger: context.trigger,
      verification_id: context.verificationId,
      phone: context.phone,
      status: context.status,
      flags: decision.flags,
      risk: decision.risk,
      case_ids: decision.cases.map((item) => item.case_id),
    });
  }
}
