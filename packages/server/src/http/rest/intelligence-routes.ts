import { LookupAnswer, LookupInput, ValidateInput, ValidateOutput } from '@proofline/shared';
import type { AppDeps } from '../../deps.js';
import { validatePhone } from '../../lookup/index.js';
import { defineRoute, routePlugin } from './route.js';

export type IntelligenceRouteDeps = Pick<AppDeps, 'tenants' | 'settings' | 'phoneLookup'>;

/** `POST /v1/phone/validate` and `POST /v1/phone/lookup`: what a number is, and what the site's rules make of it. */
export const intelligenceRoutes = routePlugin<IntelligenceRouteDeps>([
  defineRoute({
    method: 'POST',
    path: '/v1/phone/validate',
    auth: 'secret',
    body: ValidateInput,
    response: ValidateOutput,
    doc: {
      tag: 'Phone intelligence',
      summary: 'Validate and format a number',
      example: { phone: '07400 123456', country: 'GB' },
    },
    handler: async ({ body }) => validatePhone(body),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/phone/lookup',
    auth: 'secret',
    body: LookupInput,
    response: LookupAnswer,
    doc: {
      tag: 'Phone intelligence',
      summary: 'Look up line type, carrier, location and risk',
      description:
        "Then runs the site's `phone_lookup_complete` rules on the lookup: the answer adds their `flags` " +
        '(and `voip` / `sim_swap` from `flag_voip` / `sim_swap_check`), the `cases` they opened and what ' +
        '`request_info` asks for (`info_needed`).',
      errors: ['invalid_phone'],
      example: { phone: '447400123456', applicant_country: 'GB' },
    },
    handler: async ({ site, body }, { settings, phoneLookup }) =>
      phoneLookup(site.siteKey, await settings.get(site), body),
  }),
]);
