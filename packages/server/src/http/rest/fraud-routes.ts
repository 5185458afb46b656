import {
  type FraudCheckBypassOutput,
  FraudCheckBypassQuery,
  GeoPermissions,
  type GeoPermissionsOutput,
  type NetworkBlocksOutput,
  UnblockNetworkInput,
  type UnblockNetworkOutput,
} from '@proofline/shared';
import type { FastifyInstance } from 'fastify';
import type { FraudGuard } from '../../fraud/index.js';
import type { TenantDirectory } from '../../tenants/index.js';
import { requireSecret } from './auth.js';
import { parseInput } from './parse.js';

export type FraudRouteDeps = { tenants: TenantDirectory; fraud: FraudGuard };

/**
 * `/v1` anti-fraud routes for site backends: network blocks and unblock (Vonage's shapes), geo
 * permissions per channel, and the audit of sends made with `fraud_check: false`.
 */
export function registerFraudRoutes(app: FastifyInstance, deps: FraudRouteDeps): void {
  app.get('/v1/networks/blocks', async (request): Promise<NetworkBlocksOutput> => {
    const site = requireSecret(request, deps.tenants);
    return { blocks: await deps.fraud.blocks.list(site.siteKey) };
  });

  app.post('/v1/networks/unblock', async (request): Promise<UnblockNetworkOutput> => {
    const site = requireSecret(request, deps.tenants);
    const input = parseInput(UnblockNetworkInput, request.body);
    const { unblockedUntil } = await deps.fraud.blocks.unblock(
      site.siteKey,
      input.network,
      input.unblock_duration,
    );
    return { network: input.network, unblocked_until: new Date(unblockedUntil).toISOString() };
  });

  app.get('/v1/fraud/geo-permissions', async (request): Promise<GeoPermissionsOutput> => {
    const site = requireSecret(request, deps.tenants);
    return { geo_permissions: await deps.fraud.geo.get(site.siteKey) };
  });

  app.put('/v1/fraud/geo-permissions', async (request): Promise<GeoPermissionsOutput> => {
    const site = requireSecret(request, deps.tenants);
    const patch = parseInput(GeoPermissions, request.body);
    return { geo_permissions: await deps.fraud.geo.update(site.siteKey, patch) };
  });

  app.get('/v1/audit/fraud-check-bypass', async (request): Promise<FraudCheckBypassOutput> => {
    const site = requireSecret(request, deps.tenants);
    const query = parseInput(FraudCheckBypassQuery, request.query);
    return { records: await deps.fraud.bypassAudit.list(site.siteKey, query.limit) };
  });
}
