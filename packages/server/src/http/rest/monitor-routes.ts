import {
  DeleteMonitorOutput,
  MonitorInput,
  MonitorOutput,
  MonitorParams,
  OperatorCloudEvent,
  OperatorEventAck,
} from '@proofline/shared';
import { ProoflineError } from '../../errors.js';
import type { PhoneMonitoring } from '../../monitoring/index.js';
import type { TenantDirectory } from '../../tenants/index.js';
import { bearerSecret } from './auth.js';
import { operatorErrors } from './operator-routes.js';
import { defineRoute, routePlugin } from './route.js';

export type MonitorRoutesDeps = { monitoring: PhoneMonitoring; tenants: TenantDirectory };

const eventsPath = '/v1/phone/monitor/:subscription_id/events';

/** The sink of one watch, as given to the operator. */
export const monitorEventsPath = (subscriptionId: string) =>
  eventsPath.replace(':subscription_id', encodeURIComponent(subscriptionId));

/**
 * `POST /v1/phone/monitor` and `DELETE /v1/phone/monitor/:subscription_id` for site backends, and
 * the sink the operator POSTs its CloudEvents to (`application/cloudevents+json`, the watch's token).
 */
export const monitorRoutes = routePlugin<MonitorRoutesDeps>([
  defineRoute({
    method: 'POST',
    path: '/v1/phone/monitor',
    auth: 'secret',
    body: MonitorInput,
    response: MonitorOutput,
    doc: {
      tag: 'Operator checks',
      summary: 'Watch a number for SIM swaps (and roaming, reachability changes)',
      description:
        'Subscribes at the operator (CAMARA SIM Swap, Device Roaming Status and Device Reachability Status ' +
        'Subscriptions). Each event reaches the webhook URL as `sim_swap.detected` `{phone, swapped_at, ' +
        'subscription_id}`, `roaming.changed` or `reachability.changed`, signed like every webhook; `phone` ' +
        'is masked unless `webhook_full_phone`. Without `expires_at` the watch lasts a year.',
      errors: operatorErrors,
      example: { phone: '+447400123456', events: ['sim_swap'], expires_at: '2027-01-01T00:00:00Z' },
    },
    handler: async ({ site, body }, { monitoring }) => monitoring.subscribe(site.siteKey, body),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/phone/monitor/:subscription_id',
    auth: 'secret',
    params: MonitorParams,
    response: DeleteMonitorOutput,
    doc: {
      tag: 'Operator checks',
      summary: 'Stop watching a number',
      errors: ['not_found', ...operatorErrors],
    },
    handler: async ({ site, params }, { monitoring }) =>
      monitoring.unsubscribe(site.siteKey, params.subscription_id),
  }),
  defineRoute({
    method: 'POST',
    path: eventsPath,
    // The operator is not a site: the watch's own bearer token is checked by `receive`.
    auth: 'public',
    params: MonitorParams,
    body: OperatorCloudEvent,
    // CloudEvents' structured mode is JSON under its own media type.
    accepts: ['application/cloudevents+json'],
    response: OperatorEventAck,
    doc: {
      tag: 'Operator checks',
      summary: "The operator's CloudEvents for a watch",
      description:
        'Not called by site backends: the operator POSTs its CloudEvents here (`application/cloudevents+json`) ' +
        'with the bearer token Proofline gave it for this watch; another token is `unauthorized`.',
      errors: ['unauthorized'],
    },
    handler: async ({ params, body, request }, { monitoring }) => {
      if (!(await monitoring.receive(params.subscription_id, bearerSecret(request), body))) {
        throw new ProoflineError('unauthorized', 'Not a token of this monitor.');
      }
      return { received: true as const };
    },
  }),
]);
