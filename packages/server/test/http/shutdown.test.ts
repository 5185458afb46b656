import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

async function startServerProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  for await (const chunk of child.stdout!) {
    output += chunk.toString();
    const match = /proofline listening on (http:\/\/\S+)/.exec(output);
    if (match) return { child, url: match[1]! };
  }
  throw new Error(`server did not start: ${output}`);
}

describe('graceful shutdown', () => {
  it('finishes a request in flight on SIGTERM, refuses new ones, then exits 0', async () => {
    const { child, url } = await startServerProcess();
    const exited = once(child, 'exit');
    const body = JSON.stringify({ siteKey: 'pk_test_demo', phone: '+447400123456' });
    const half = Math.floor(body.length / 2);

    // The body arrives in two parts, with the signal in between: the request is in flight.
    const inFlight = request(`${url}/trpc/verification.start`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(body.length),
        origin: 'http://localhost:3000',
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
    inFlight.write(body.slice(0, half));
    await new Promise((resolve) => inFlight.once('socket', (socket) => socket.once('connect', resolve)));
    await fetch(`${url}/healthz`); // the server has accepted connections before the signal

    child.kill('SIGTERM');
    await expect(fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    inFlight.end(body.slice(half));

    const answer = await answered;
    expect(answer.status).toBeGreaterThanOrEqual(200);
    expect(answer.status).toBeLessThan(500);
    expect(JSON.parse(answer.text)).toBeTypeOf('object');
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
