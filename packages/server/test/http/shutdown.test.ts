import { once } from 'node:events';
import { request } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { startServerProcess } from '../support/server-process.js';

/** A GET on a connection of its own (no keep-alive pool): the status, or the connection error's code. */
function freshGet(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const get = request(url, { agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    get.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    get.end();
  });
}

describe('graceful shutdown', () => {
  // A process of its own, started through tsx: slower than the in-process servers of other tests.
  it('finishes a request in flight on SIGTERM, refuses new ones, then exits 0', {
    timeout: 60_000,
  }, async () => {
    const { child, url } = await startServerProcess();
    const exited = once(child, 'exit');
    const body = JSON.stringify({ siteKey: 'pk_test_demo', phone: '+447400123456' });

    // `Expect: 100-continue` holds the body back until the server has read the headers: once
    // `continue` arrives, the request is in the server's hands, and it stays in flight until the
    // body is sent.
    const inFlight = request(`${url}/trpc/verification.start`, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': String(body.length),
        origin: 'http://localhost:3000',
        expect: '100-continue',
      },
    });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      inFlight.on('response', (response) => {
        let text = '';
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      inFlight.on('error', reject);
    });
    const serverHasHeaders = once(inFlight, 'continue');
    inFlight.flushHeaders();
    await serverHasHeaders;

    child.kill('SIGTERM');
    // The signal is handled asynchronously: wait until a new connection is refused.
    await vi.waitFor(async () => expect(await freshGet(`${url}/healthz`)).toBe('ECONNREFUSED'), {
      timeout: 20_000,
      interval: 50,
    });
    inFlight.end(body);

    const answer = await answered;
    expect(answer.status).toBeGreaterThanOrEqual(200);
    expect(answer.status).toBeLessThan(500);
    expect(JSON.parse(answer.text)).toBeTypeOf('object');
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
