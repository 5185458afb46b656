import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepAliveTransport } from '../../src/operator/camara/index.js';

const idle = () => new AbortController().signal;

let server: Server;
let base: string;
const connections = new Set<number>();

beforeAll(async () => {
  server = createServer((request, response) => {
    connections.add(request.socket.remotePort ?? 0);
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      if (request.url === '/slow') return; // never answers
      if (request.url === '/empty') return response.writeHead(204).end();
      response.writeHead(request.url === '/missing' ? 404 : 200, {
        'content-type': 'application/json',
        'retry-after': '7',
      });
      response.end(
        JSON.stringify({ method: request.method, body, correlator: request.headers['x-correlator'] }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('keepAliveTransport', () => {
  it('sends the method, headers and body, and answers status, Retry-After and body', async () => {
    const reply = await keepAliveTransport(`${base}/check`, {
      method: 'POST',
      headers: { 'x-correlator': 'c-1', 'content-type': 'application/json' },
      body: '{"phoneNumber":"+447700900000"}',
      signal: idle(),
    });
    expect(reply.status).toBe(200);
    expect(reply.retryAfter).toBe('7');
    expect(JSON.parse(reply.text)).toEqual({
      method: 'POST',
      body: '{"phoneNumber":"+447700900000"}',
      correlator: 'c-1',
    });
    const missing = await keepAliveTransport(`${base}/missing`, {
      method: 'GET',
      headers: {},
      signal: idle(),
    });
    expect(missing.status).toBe(404);
    expect((JSON.parse(missing.text) as { method: string }).method).toBe('GET');
    const empty = await keepAliveTransport(`${base}/empty`, { method: 'GET', headers: {}, signal: idle() });
    expect(empty.status).toBe(204);
    expect(empty.text).toBe('');
    expect(empty.retryAfter).toBeNull();
  });

  it('reuses its connection for the next call', async () => {
    connections.clear();
    for (let index = 0; index < 3; index += 1) {
      await keepAliveTransport(`${base}/again`, { method: 'GET', headers: {}, signal: idle() });
    }
    expect(connections.size).toBe(1);
  });

  it('rejects when the signal aborts (the timeout of a call)', async () => {
    const abort = new AbortController();
    const pending = keepAliveTransport(`${base}/slow`, { method: 'GET', headers: {}, signal: abort.signal });
    abort.abort();
    await expect(pending).rejects.toBeDefined();
    expect(abort.signal.aborted).toBe(true);
  });
});
