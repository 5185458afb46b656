import { MonitorInput, MonitorParams, OperatorCloudEvent } from '@proofline/shared';
import type { FastifyInstance } from 'fastify';
import { ProoflineError } from '../../errors.js';
import type { PhoneMonitoring } from '../../monitoring/index.js';
import type { TenantDirectory } from '../../tenants/index.js';
import { bearerSecret, requireSecret } from './auth.js';
import { parseInput } from './parse.js';

export type MonitorRoutesDeps = { monitoring: PhoneMonitoring; tenants: TenantDirectory };

/**
 * `POST /v1/phone/monitor` and `DELETE /v1/phone/monitor/:subscription_id` for site backends, and
 * the sink the operator POSTs its CloudEvents to (`application/cloudevents+json`, the watch's token).
 */
export async function registerMonitorRoutes(app: FastifyInstance, deps: MonitorRoutesDeps): Promise<void> {
  app.post('/v1/phone/monitor', async (request) => {
    const site = requireSecret(request, deps.tenants);
    return deps.monitoring.subscribe(site.siteKey, parseInput(MonitorInput, request.body));
  });

  app.delete('/v1/phone/monitor/:subscription_id', async (request) => {
    const site = requireSecret(request, deps.tenants);
    const { subscription_id } = parseInput(MonitorParams, request.params);
    return deps.monitoring.unsubscribe(site.siteKey, subscription_id);
  });

  await app.register(async (sink) => {
    // CloudEvents' structured mode is JSON under its own media type.
    sink.addContentTypeParser(
      'application/cloudevents+json',
      { parseAs: 'string' },
      (_request, body, done) => {
        try {
          done(null, JSON.parse(body as string));
        } catch {
          done(new ProoflineError('bad_request', 'The body is not JSON.'));
        }
      },
    );
    sink.post('/v1/phone/monitor/:subscription_id/events', async (request) => {
      const { subscription_id } = parseInput(MonitorParams, request.params);
      const event = parseInput(OperatorCloudEvent, request.body);
      const accepted = await deps.monitoring.receive(subscription_id, bearerSecret(request), event);
      if (!accepted) throw new ProoflineError('unauthorized', 'Not a token of this monitor.');
      return { received: true as const };
    });
  });
}
