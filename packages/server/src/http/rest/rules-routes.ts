import { DeleteRuleOutput, Rule, RuleIdParams, RuleList } from '@proofline/shared';
import type { AppDeps } from '../../deps.js';
import { ProoflineError } from '../../errors.js';
import { defineRoute, routePlugin } from './route.js';

export type RulesRouteDeps = Pick<AppDeps, 'tenants' | 'rules'>;

/** `GET|POST /v1/workflows/rules` and `DELETE /v1/workflows/rules/:rule_id`: the site's workflow rules. */
export const rulesRoutes = routePlugin<RulesRouteDeps>([
  defineRoute({
    method: 'GET',
    path: '/v1/workflows/rules',
    auth: 'secret',
    response: RuleList,
    doc: { tag: 'Workflow rules', summary: "List the site's rules" },
    handler: async ({ site }, { rules }) => ({ rules: await rules.list(site.siteKey) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/workflows/rules',
    auth: 'secret',
    body: Rule,
    response: Rule,
    doc: {
      tag: 'Workflow rules',
      summary: 'Create or replace a rule',
      description:
        'Conditions are `{all: [...]}` or `{any: [...]}` of `{field, operator, value}` and nested groups; ' +
        'an unknown field, or an operator or value that does not fit the field, is refused with the path ' +
        'of the mistake.',
      success: { 200: 'A rule with this `rule_id` was replaced.', 201: 'The rule was created.' },
      example: {
        rule_id: 'voip_needs_code',
        trigger: 'verification_started',
        conditions: {
          all: [
            { field: 'phone_type', operator: 'eq', value: 'voip' },
            { field: 'phone_otp_verified', operator: 'eq', value: false },
          ],
        },
        actions: [{ type: 'require_otp' }, { type: 'add_flag', flag: 'voip' }],
      },
    },
    handler: async ({ site, body, reply }, { rules }) => {
      const { rule, created } = await rules.upsert(site.siteKey, body);
      return reply.status(created ? 201 : 200).send(rule);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/workflows/rules/:rule_id',
    auth: 'secret',
    params: RuleIdParams,
    response: DeleteRuleOutput,
    doc: { tag: 'Workflow rules', summary: 'Delete a rule', errors: ['not_found'] },
    handler: async ({ site, params: { rule_id } }, { rules }) => {
      if (!(await rules.delete(site.siteKey, rule_id))) {
        throw new ProoflineError('not_found', `No rule "${rule_id}".`);
      }
      return { rule_id, deleted: true as const };
    },
  }),
]);
