import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../src/http/trpc/router.js';
import type { RunningProofline } from '../../src/index.js';
import { startTestServer } from '../support/server.js';
import { body, runs } from './inputs.js';

/**
 * Property: whatever JSON reaches any route or procedure, the answer is never a 5xx and is always
 * the error shape when it is an error. FUZZ_RUNS sets the runs per route (10,000 in `pnpm bench`).
 */
let server: RunningProofline;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const headers = {
  'content-type': 'application/json',
  authorization: 'Bearer sk_test_demo',
  origin: 'http://localhost:5173',
};

function restRoutes() {
  return server.app.registeredRoutes.filter(
    (route) => route.url.startsWith('/v1/') && ['POST', 'PUT', 'DELETE', 'GET'].includes(route.method),
  );
}

async function expectWellFormed(response: Response, label: string) {
  expect(response.status, label).toBeLessThan(500);
  const text = await response.text();
  if (response.status >= 400) {
    const answer = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof answer.error?.message, label).toBe('string');
  }
}

describe('fuzzed input never breaks the server', () => {
  it('REST routes', async () => {
    for (const route of restRoutes()) {
      await fc.assert(
        fc.asyncProperty(body, fc.string({ maxLength: 20 }), async (input, pathValue) => {
          const url = route.url.replace(/:(\w+)/g, () => encodeURIComponent(pathValue) || 'x');
          const label = `${route.method} ${route.url} ${JSON.stringify(input).slice(0, 200)}`;
          const response =
            route.method === 'GET' || route.method === 'DELETE'
              ? await fetch(
                  `${server.url}${url}?${new URLSearchParams({ phone: JSON.stringify(input) ?? '' })}`,
                  {
                    method: route.method,
                    headers: { authorization: headers.authorization },
                  },
                )
              : await fetch(`${server.url}${url}`, {
                  method: route.method,
                  headers,
                  body: JSON.stringify(input),
                });
          await expectWellFormed(response, label);
        }),
        { numRuns: runs },
      );
    }
  });

  it('tRPC procedures', async () => {
    const procedures = Object.entries(appRouter._def.procedures) as unknown as [
      string,
      { _def: { type: string } },
    ][];
    expect(procedures.length).toBeGreaterThan(0);
    for (const [path, procedure] of procedures) {
      await fc.assert(
        fc.asyncProperty(body, async (input) => {
          const withSite =
            typeof input === 'object' && input && !Array.isArray(input)
              ? { siteKey: 'pk_test_demo', ...input }
              : input;
          const label = `${path} ${JSON.stringify(withSite).slice(0, 200)}`;
          const response =
            procedure._def.type === 'query'
              ? await fetch(
                  `${server.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(withSite))}`,
                  { headers },
                )
              : await fetch(`${server.url}/trpc/${path}`, {
                  method: 'POST',
                  headers,
                  body: JSON.stringify(withSite),
                });
          await expectWellFormed(response, label);
        }),
        { numRuns: runs },
      );
    }
  });
});
