import {
  type Case,
  CaseIdParams,
  CaseListQuery,
  CaseUpdateInput,
  type LookupAnswer,
  LookupInput,
  Rule,
  RuleIdParams,
  ValidateInput,
} from '@proofline/shared';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../deps.js';
import { ProoflineError } from '../../errors.js';
import { validatePhone } from '../../lookup/index.js';
import { CasesRepository, RulesRepository } from '../../rules/index.js';
import { requireSecret } from './auth.js';
import { parseInput } from './parse.js';

/** The repositories the intelligence routes call; the composition root passes its own. */
export type IntelligenceServices = {
  rules: RulesRepository;
  cases: CasesRepository;
};

/**
 * `POST /v1/phone/validate`, `POST /v1/phone/lookup`, `GET|POST /v1/workflows/rules`,
 * `DELETE /v1/workflows/rules/:rule_id`, `GET /v1/cases` and `GET|PATCH /v1/cases/:case_id`,
 * each a thin call into its domain.
 */
export function registerIntelligenceRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  services: Partial<IntelligenceServices> = {},
): void {
  const rules = services.rules ?? new RulesRepository(deps.store);
  const cases = services.cases ?? new CasesRepository(deps.store, deps.clock);

  app.post('/v1/phone/validate', async (request) => {
    requireSecret(request, deps.tenants);
    return validatePhone(parseInput(ValidateInput, request.body));
  });

  app.post('/v1/phone/lookup', async (request): Promise<LookupAnswer> => {
    const site = requireSecret(request, deps.tenants);
    const input = parseInput(LookupInput, request.body);
    return deps.phoneLookup(site.siteKey, await deps.settings.get(site), input);
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

  app.get('/v1/cases/:case_id', async (request): Promise<Case> => {
    const site = requireSecret(request, deps.tenants);
    const { case_id } = parseInput(CaseIdParams, request.params);
    const item = await cases.get(site.siteKey, case_id);
    if (!item) throw new ProoflineError('not_found', `No case "${case_id}".`);
    return item;
  });

  app.patch('/v1/cases/:case_id', async (request): Promise<Case> => {
    const site = requireSecret(request, deps.tenants);
    const { case_id } = parseInput(CaseIdParams, request.params);
    const item = await cases.update(site.siteKey, case_id, parseInput(CaseUpdateInput, request.body));
    if (!item) throw new ProoflineError('not_found', `No case "${case_id}".`);
    return item;
  });
}
