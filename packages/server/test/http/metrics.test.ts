import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { createRedisStore } from '../../src/store/redis/index.js';
import { startTestServer } from '../support/server.js';

let server: RunningProofline;
// A Redis that does not answer: nothing listens on port 1.
const store = createRedisStore({ url: 'redis://127.0.0.1:1' });
beforeAll(async () => {
  server = await startTestServer({ store });
});
afterAll(async () => {
  await server.close();
  await store.close();
});

describe('/metrics', () => {
  it('answers Prometheus text with the product metrics', async () => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    for (const name of [
      'proofline_verifications_started_total',
      'proofline_verifications_approved_total',
      'proofline_messages_sent_total',
      'proofline_rate_limited_total',
      'proofline_operator_call_seconds',
      'proofline_conversion_ratio',
      'proofline_store_errors_total',
    ]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
  });

  it('counts requests that failed because the store did not answer', async () => {
    const response = await fetch(`${server.url}/v1/settings/phone-verification`, {
      method: 'PUT',
      headers: { authorization: 'Bearer sk_test_demo', 'content-type': 'application/json' },
      body: JSON.stringify({ code_length: 7 }),
    });
    expect(response.status).toBe(503);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/^proofline_store_errors_total 1$/m);
  });
});
