import { Case, CaseIdParams, CaseList, CaseListQuery, CaseUpdateInput } from '@proofline/shared';
import type { AppDeps } from '../../deps.js';
import { ProoflineError } from '../../errors.js';
import { defineRoute, routePlugin } from './route.js';

export type CasesRouteDeps = Pick<AppDeps, 'tenants' | 'cases'>;

const noCase = (caseId: string) => new ProoflineError('not_found', `No case "${caseId}".`);

/** `GET /v1/cases` and `GET|PATCH /v1/cases/:case_id`: the cases rules opened, for a reviewer. */
export const casesRoutes = routePlugin<CasesRouteDeps>([
  defineRoute({
    method: 'GET',
    path: '/v1/cases',
    auth: 'secret',
    query: CaseListQuery,
    response: CaseList,
    doc: { tag: 'Cases', summary: 'List cases, newest first' },
    handler: async ({ site, query }, { cases }) => cases.list(site.siteKey, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/cases/:case_id',
    auth: 'secret',
    params: CaseIdParams,
    response: Case,
    doc: { tag: 'Cases', summary: 'Read a case', errors: ['not_found'] },
    handler: async ({ site, params: { case_id } }, { cases }) => {
      const item = await cases.get(site.siteKey, case_id);
      if (!item) throw noCase(case_id);
      return item;
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/cases/:case_id',
    auth: 'secret',
    params: CaseIdParams,
    body: CaseUpdateInput,
    response: Case,
    doc: {
      tag: 'Cases',
      summary: 'Review a case: status, resolution, a note',
      description: 'Changes the fields given; `note` is appended to `notes` (at most 50).',
      errors: ['not_found'],
      example: { status: 'closed', resolution: 'Legitimate SIM replacement', note: 'Receipt checked.' },
    },
    handler: async ({ site, params: { case_id }, body }, { cases }) => {
      const item = await cases.update(site.siteKey, case_id, body);
      if (!item) throw noCase(case_id);
      return item;
    },
  }),
]);
