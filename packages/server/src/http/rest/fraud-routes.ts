import {
  FraudCheckBypassOutput,
  FraudCheckBypassQuery,
  GeoPermissions,
  GeoPermissionsOutput,
  NetworkBlocksOutput,
  UnblockNetworkInput,
  UnblockNetworkOutput,
} from '@proofline/shared';
import type { AppDeps } from '../../deps.js';
import { defineRoute, routePlugin } from './route.js';

export type FraudRouteDeps = Pick<AppDeps, 'tenants' | 'fraud'>;

/**
 * `/v1` anti-fraud routes for site backends: network blocks and unblock (Vonage's shapes), geo
 * permissions per channel, and the audit of sends made with `fraud_check: false`.
 */
export const fraudRoutes = routePlugin<FraudRouteDeps>([
  defineRoute({
    method: 'GET',
    path: '/v1/networks/blocks',
    auth: 'secret',
    response: NetworkBlocksOutput,
    doc: { tag: 'Anti-fraud', summary: 'Network blocks in force' },
    handler: async ({ site }, { fraud }) => ({ blocks: await fraud.blocks.list(site.siteKey) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/networks/unblock',
    auth: 'secret',
    body: UnblockNetworkInput,
    response: UnblockNetworkOutput,
    doc: {
      tag: 'Anti-fraud',
      summary: 'Let traffic to a blocked network through for a while',
      errors: ['network_not_blocked'],
      example: { network: '23415', unblock_duration: '600' },
    },
    handler: async ({ site, body }, { fraud }) => {
      const { unblockedUntil } = await fraud.blocks.unblock(
        site.siteKey,
        body.network,
        body.unblock_duration,
      );
      return { network: body.network, unblocked_until: new Date(unblockedUntil).toISOString() };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/fraud/geo-permissions',
    auth: 'secret',
    response: GeoPermissionsOutput,
    doc: { tag: 'Anti-fraud', summary: 'Countries allowed and blocked per channel' },
    handler: async ({ site }, { fraud }) => ({ geo_permissions: await fraud.geo.get(site.siteKey) }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/fraud/geo-permissions',
    auth: 'secret',
    body: GeoPermissions,
    response: GeoPermissionsOutput,
    doc: {
      tag: 'Anti-fraud',
      summary: 'Change the countries of some channels',
      description: 'Replaces the channels named and keeps the others.',
      example: { sms: { blocked_countries: ['CU', 'KP'] }, voice: { allowed_countries: ['GB', 'IE'] } },
    },
    handler: async ({ site, body }, { fraud }) => ({
      geo_permissions: await fraud.geo.update(site.siteKey, body),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/audit/fraud-check-bypass',
    auth: 'secret',
    query: FraudCheckBypassQuery,
    response: FraudCheckBypassOutput,
    doc: { tag: 'Anti-fraud', summary: 'Sends made with `fraud_check: false`, newest first' },
    handler: async ({ site, query }, { fraud }) => ({
      records: await fraud.bypassAudit.list(site.siteKey, query.limit),
    }),
  }),
]);
