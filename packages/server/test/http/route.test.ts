import { CaseIdParams, DeleteRuleOutput, OperatorEventAck, UnblockNetworkInput } from '@proofline/shared';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toRestError } from '../../src/http/errors.js';
import { defineRoute, routePlugin } from '../../src/http/rest/route.js';
import { demoSite, TenantDirectory } from '../../src/tenants/index.js';
import { type RestCall, restClient } from '../support/http-client.js';

/** `routePlugin` on its own: one authentication hook per domain, input parsed before the handler. */
const Echo = z.object({ site: z.string().nullable(), input: z.unknown() });
const domain = routePlugin<{ tenants: TenantDirectory }>([
  defineRoute({
    method: 'POST',
    path: '/v1/test/unblock',
    auth: 'secret',
    body: UnblockNetworkInput,
    response: Echo,
    doc: { tag: 'Anti-fraud', summary: 'A secret route with a body' },
    handler: async ({ site, body }) => ({ site: site.siteKey, input: body }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/test/cases/:case_id',
    auth: 'public',
    params: CaseIdParams,
    response: Echo,
    headers: { 'cache-control': 'no-store' },
    doc: { tag: 'Cases', summary: 'A public route with params' },
    handler: async ({ site, params }) => ({ site, input: params }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/test/events',
    auth: 'public',
    body: z.object({}),
    accepts: ['application/cloudevents+json'],
    response: OperatorEventAck,
    doc: { tag: 'Operator checks', summary: 'A route with a media type of its own' },
    handler: async () => ({ received: true as const }),
  }),
]);

let app: FastifyInstance;
let call: RestCall;

beforeAll(async () => {
  app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    const answer = toRestError(error);
    return reply.status(answer.status).headers(answer.headers).send(answer.body);
  });
  await app.register(domain, { tenants: new TenantDirectory([demoSite]) });
  app.post('/v1/test/outside', async () => DeleteRuleOutput.parse({ rule_id: 'r', deleted: true }));
  call = restClient(await app.listen({ host: '127.0.0.1', port: 0 }));
});
afterAll(() => app.close());

describe('routePlugin', () => {
  it('hands the handler the site of the secret key and the parsed body', async () => {
    const answer = await call('POST', '/v1/test/unblock', { network: '23415' });
    expect(answer).toMatchObject({
      status: 200,
      body: { site: demoSite.siteKey, input: { network: '23415' } },
    });
  });

  it('answers 401 without the key, but a malformed body first (it is read before the hook)', async () => {
    const missing = await call('POST', '/v1/test/unblock', { network: '23415' }, { secret: null });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('unauthorized');
    const malformed = await fetch(`${app.listeningOrigin}/v1/test/unblock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"network": ',
    });
    expect(malformed.status).toBe(400);
  });

  it('refuses bad input with 400 bad_request and the path of each field', async () => {
    const body = await call('POST', '/v1/test/unblock', { network: '234-15', extra: 1 });
    expect(body.status).toBe(400);
    expect(body.body.error).toMatchObject({ code: 'bad_request', message: 'The request is not valid.' });
    expect(body.body.error.details.map((issue: { path: string }) => issue.path)).toContain('network');
    const params = await call('GET', '/v1/test/cases/not%20an%20id', undefined, { secret: null });
    expect(params.status).toBe(400);
    expect(params.body.error.details[0].path).toBe('case_id');
    expect(params.headers.get('cache-control')).toBe('no-store');
  });

  it('leaves public routes open, and routes outside the plugin alone', async () => {
    const open = await call('GET', '/v1/test/cases/c1', undefined, { secret: null });
    expect(open.body).toEqual({ site: null, input: { case_id: 'c1' } });
    expect((await call('POST', '/v1/test/outside', {}, { secret: null })).status).toBe(200);
  });

  it('understands a +json media type on the route that accepts it only', async () => {
    const events = (path: string) =>
      fetch(`${app.listeningOrigin}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json', authorization: 'Bearer sk_test_demo' },
        body: '{}',
      });
    expect((await events('/v1/test/events')).status).toBe(200);
    expect((await events('/v1/test/unblock')).status).toBe(415);
  });
});
