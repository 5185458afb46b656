import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { startTestServer } from '../support/server.js';

/**
 * Every route with a body, whatever it is: malformed JSON, a wrong content type, an oversized body
 * and unknown fields answer 4xx with the error shape, never 5xx.
 */
let server: RunningProofline;
const concrete = (url: string) =>
  url
    .replace('/trpc/:path', '/trpc/verification.start')
    .replace(':id', 'ver_unknown')
    .replace(':rule_id', 'rule_x')
    .replace(':phone', '%2B447400123456');

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function bodyRoutes() {
  // tRPC answers every method on one route; its mutations are POSTs.
  return server.app.registeredRoutes.filter(
    (route) =>
      ['POST', 'PUT', 'PATCH'].includes(route.method) &&
      !route.url.includes('*') &&
      !(route.url === '/trpc/:path' && route.method !== 'POST'),
  );
}

async function expectErrorShape(response: Response, statuses: number[]) {
  expect(statuses).toContain(response.status);
  const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
  expect(
    typeof body.error?.code === 'string' ||
      typeof (body as { error?: { data?: unknown } }).error?.data === 'object',
  ).toBe(true);
  expect(typeof body.error?.message).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/at .+\.ts:\d+|stack/);
}

function send(route: { method: string; url: string }, contentType: string, body: string) {
  return fetch(server.url + concrete(route.url), {
    method: route.method,
    headers: {
      'content-type': contentType,
      authorization: 'Bearer sk_test_demo',
      origin: 'http://localhost:3000',
    },
    body,
  });
}

describe('bad input on every route with a body', () => {
  it('finds the routes to test', () => {
    expect(bodyRoutes().length).toBeGreaterThan(0);
  });

  it.each([
    ['malformed JSON', 'application/json', '{"phone": ', 400],
    ['a wrong content type', 'application/xml', '<phone>+447400123456</phone>', 415],
    ['a body over 64 KB', 'application/json', JSON.stringify({ padding: 'x'.repeat(70 * 1024) }), 413],
  ])('answers %s with the error shape', async (_what, contentType, body, status) => {
    for (const route of bodyRoutes()) {
      await expectErrorShape(await send(route, contentType, body), [status]);
    }
  });

  it('answers unknown fields with a 4xx (siteverify: 200 with error-codes, as Turnstile)', async () => {
    for (const route of bodyRoutes()) {
      const response = await send(route, 'application/json', JSON.stringify({ surprise_field: 1 }));
      if (route.url === '/v1/siteverify') {
        // Turnstile's contract (docs/design.md): siteverify answers 200 and says why in error-codes.
        expect(response.status).toBe(200);
        const answer = (await response.json()) as { success: boolean; 'error-codes': string[] };
        expect(answer.success).toBe(false);
        expect(answer['error-codes'].length).toBeGreaterThan(0);
        continue;
      }
      expect(response.status, `${route.method} ${route.url}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${route.method} ${route.url}`).toBeLessThan(500);
    }
  });
});

describe('errors outside routes', () => {
  it('answers an unknown route with 404 in the error shape', async () => {
    const response = await fetch(`${server.url}/v1/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'not_found', message: 'No route GET /v1/nothing-here.' },
    });
  });
});
