import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepAliveFetch } from '../../src/operator/camara/index.js';

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

describe('keepAliveFetch', () => {
  it('sends the method, headers and body, and answers status, headers and body as fetch does', async () => {
    const headers = new Headers({ 'x-correlator': 'c-1', 'content-type': 'application/json' });
    const response = await keepAliveFetch(`${base}/check`, {
      method: 'POST',
      headers,
      body: '{"phoneNumber":"+447700900000"}',
      redirect: 'manual',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toEqual({
      method: 'POST',
      body: '{"phoneNumber":"+447700900000"}',
      correlator: 'c-1',
    });
    const missing = await keepAliveFetch(`${base}/missing`, { method: 'GET', redirect: 'manual' });
    expect(missing.status).toBe(404);
    expect(((await missing.clone().json()) as { method: string }).method).toBe('GET');
    const empty = await keepAliveFetch(`${base}/empty`, { method: 'GET', redirect: 'manual' });
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });

  it('reuses its connection for the next call', async () => {
    connections.clear();
    for (let index = 0; index < 3; index += 1) {
      await (await keepAliveFetch(`${base}/again`, { method: 'GET', redirect: 'manual' })).text();
    }
    expect(connections.size).toBe(1);
  });

  it('rejects when the signal aborts, as fetch does on a timeout', async () => {
    const abort = new AbortController();
    const pending = keepAliveFetch(`${base}/slow`, {
      method: 'GET',
      redirect: 'manual',
      signal: abort.signal,
    });
    abort.abort();
    await expect(pending).rejects.toBeDefined();
    expect(abort.signal.aborted).toBe(true);
  });
});
