import {
  KycMatchInput,
  NumberRecyclingInput,
  PortingHistoryQuery,
  RoamingInput,
  SimSwapCheckInput,
} from '@proofline/shared';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../deps.js';
import {
  kycMatch,
  numberRecycling,
  type Operator,
  portingHistory,
  roaming,
  simSwapCheck,
} from '../../operator/index.js';
import { requireSecret } from './auth.js';
import { parseInput } from './parse.js';

export type OperatorRoutesDeps = Pick<AppDeps, 'clock' | 'tenants' | 'settings'> & { operator: Operator };

/**
 * The operator-backed checks for site backends: `POST /v1/phone/sim-swap-check`, `number-recycling`,
 * `kyc-match`, `roaming` and `GET /v1/phone/porting-history`, each a thin call into `operator/checks`.
 */
export function registerOperatorRoutes(app: FastifyInstance, deps: OperatorRoutesDeps): void {
  const checks = { operator: deps.operator, clock: deps.clock };

  app.post('/v1/phone/sim-swap-check', async (request) => {
    const site = requireSecret(request, deps.tenants);
    const input = parseInput(SimSwapCheckInput, request.body);
    return simSwapCheck(checks, input, await deps.settings.get(site));
  });

  app.post('/v1/phone/number-recycling', async (request) => {
    requireSecret(request, deps.tenants);
    return numberRecycling(checks, parseInput(NumberRecyclingInput, request.body));
  });

  app.post('/v1/phone/kyc-match', async (request) => {
    const site = requireSecret(request, deps.tenants);
    const input = parseInput(KycMatchInput, request.body);
    return kycMatch(checks, input, (await deps.settings.get(site)).kyc_policy);
  });

  app.post('/v1/phone/roaming', async (request) => {
    requireSecret(request, deps.tenants);
    return roaming(checks, parseInput(RoamingInput, request.body));
  });

  app.get('/v1/phone/porting-history', async (request) => {
    requireSecret(request, deps.tenants);
    return portingHistory(checks, parseInput(PortingHistoryQuery, request.query));
  });
}
