import {
  type ErrorCode,
  KycMatchInput,
  KycMatchOutput,
  NumberRecyclingInput,
  NumberRecyclingOutput,
  PortingHistoryOutput,
  PortingHistoryQuery,
  RoamingInput,
  RoamingOutput,
  SimSwapCheckInput,
  SimSwapCheckOutput,
} from '@proofline/shared';
import type { AppDeps } from '../../deps.js';
import {
  kycMatch,
  numberRecycling,
  type Operator,
  portingHistory,
  roaming,
  simSwapCheck,
} from '../../operator/index.js';
import { defineRoute, routePlugin } from './route.js';

export type OperatorRoutesDeps = Pick<AppDeps, 'clock' | 'tenants' | 'settings'> & { operator: Operator };

/** What an operator-backed route can answer besides the usual: the number, the line, the operator. */
export const operatorErrors: ErrorCode[] = ['invalid_phone', 'not_found', 'operator_error'];

const checksOf = (deps: OperatorRoutesDeps) => ({ operator: deps.operator, clock: deps.clock });

/**
 * The operator-backed checks for site backends: `POST /v1/phone/sim-swap-check`, `number-recycling`,
 * `kyc-match`, `roaming` and `GET /v1/phone/porting-history`, each a thin call into `operator/checks`.
 * Mounted only where an operator is wired in.
 */
export const operatorRoutes = routePlugin<OperatorRoutesDeps>([
  defineRoute({
    method: 'POST',
    path: '/v1/phone/sim-swap-check',
    auth: 'secret',
    body: SimSwapCheckInput,
    response: SimSwapCheckOutput,
    doc: {
      tag: 'Operator checks',
      summary: 'Was the SIM changed recently?',
      description: "`max_age_hours` defaults to the site's `sim_swap_threshold_days` × 24.",
      errors: operatorErrors,
      example: { phone: '+447400123456', max_age_hours: 72 },
    },
    handler: async ({ site, body }, deps) =>
      simSwapCheck(checksOf(deps), body, await deps.settings.get(site)),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/phone/number-recycling',
    auth: 'secret',
    body: NumberRecyclingInput,
    response: NumberRecyclingOutput,
    doc: {
      tag: 'Operator checks',
      summary: 'Was the number reassigned since a date?',
      errors: operatorErrors,
    },
    handler: async ({ body }, deps) => numberRecycling(checksOf(deps), body),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/phone/kyc-match',
    auth: 'secret',
    body: KycMatchInput,
    response: KycMatchOutput,
    doc: {
      tag: 'Operator checks',
      summary: "Match customer attributes against the operator's records",
      description:
        "Send at least one attribute besides `phone`. The decision follows the site's `kyc_policy`.",
      errors: operatorErrors,
    },
    handler: async ({ site, body }, deps) =>
      kycMatch(checksOf(deps), body, (await deps.settings.get(site)).kyc_policy),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/phone/roaming',
    auth: 'secret',
    body: RoamingInput,
    response: RoamingOutput,
    doc: { tag: 'Operator checks', summary: 'Is the device roaming, and where?', errors: operatorErrors },
    handler: async ({ body }, deps) => roaming(checksOf(deps), body),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/phone/porting-history',
    auth: 'secret',
    query: PortingHistoryQuery,
    response: PortingHistoryOutput,
    doc: { tag: 'Operator checks', summary: 'Ports of the number between carriers', errors: operatorErrors },
    handler: async ({ query }, deps) => portingHistory(checksOf(deps), query),
  }),
]);
