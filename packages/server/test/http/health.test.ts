import { afterEach, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { startTestServer } from '../support/server.js';

let server: RunningProofline | undefined;
afterEach(() => server?.close());

describe('health and readiness', () => {
  it('is healthy and ready when the store answers', async () => {
    server = await startTestServer();
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('is not ready while the store does not answer, and stays healthy', async () => {
    const store = new MemoryStore();
    server = await startTestServer({ store });
    await store.close();
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not_ready', store: 'unavailable' });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
