import { CaseListQuery, LookupInput, Rule, RuleIdParams, ValidateInput } from '@proofline/shared';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../deps.js';
import { ProoflineError } from '../../errors.js';
import { type LookupDeps, lookupPhone, validatePhone } from '../../lookup/index.js';
import { CasesRepository, RulesRepository } from '../../rules/index.js';
import { requireSecret } from './auth.js';
import { parseInput } from './parse.js';

/** What the intelligence routes call; the composition root passes the operator-backed lookup sources. */
export type IntelligenceServices = {
  rules: RulesRepository;
  cases: CasesRepository;
  lookupSources: Omit<LookupDeps, 'clock'>;
};

/**
 * `POST /v1/phone/validate`, `POST /v1/phone/lookup`, `GET|POST /v1/workflows/rules`,
 * `DELETE /v1/workflows/rules/:rule_id` and `GET /v1/cases`, each a thin call into its domain.
 */
export function registerIntelligenceRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  services: Partial<IntelligenceServices> = {},
): void {
  const rules = services.rules ?? new RulesRepository(deps.store);
  const cases = services.cases ?? new CasesRepository(deps.store, deps.clock);
  const lookupDeps: LookupDeps = { ...services.lookupSources, clock: deps.clock };

  app.post('/v1/phone/validate', async (request) => {
    requireSecret(request, deps.tenants);
    return validatePhone(parseInput(ValidateInput, request.body));
  });

  app.post('/v1/phone/lookup', async (request) => {
    const site = requireSecret(request, deps.tenants);
    const input = parseInput(LookupInput, request.body);
    const settings = await deps.settings.get(site);
    const { output } = await lookupPhone(input, lookupDeps, {
      riskWeights: settings.risk_weights,
      simSwapThresholdDays: settings.sim_swap_threshold_days,
    });
    return output;
  });

  app.get('/v1/workflows/rules', async (request) => {
    const site = requireSecret(request, deps.tenants);
    return { rules: await rules.list(site.siteKey) };
  });

  app.post('/v1/workflows/rules', async (request, reply) => {
    const site = requireSecret(request, deps.tenants);
    const { rule, created } = await rules.upsert(site.siteKey, parseInput(Rule, request.body));
    return reply.status(created ? 201 : 200).send(rule);
  });

  app.delete('/v1/workflows/rules/:rule_id', async (request) => {
    const site = requireSecret(request, deps.tenants);
    const { rule_id } = parseInput(RuleIdParams, request.params);
    if (!(await rules.delete(site.siteKey, rule_id))) {
      throw new ProoflineError('not_found', `No rule "${rule_id}".`);
    }
    return { rule_id, deleted: true };
  });

  app.get('/v1/cases', async (request) => {
    const site = requireSecret(request, deps.tenants);
    return cases.list(site.siteKey, parseInput(CaseListQuery, request.query));
  });
}
