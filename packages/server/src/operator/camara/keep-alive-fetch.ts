import http from 'node:http';
import https from 'node:https';
import type { FetchLike } from './http.js';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

/** Statuses whose `Response` must have no body. */
const bodiless = new Set([101, 204, 205, 304]);

/**
 * `fetch` for the operator's APIs on node:http with keep-alive connections. The global (undici)
 * fetch builds a `Request`, web streams and signals per call: with the operator in its own process
 * that was most of a start's CPU (three calls per start). Only what the operator client sends is
 * handled here — a method, headers, a string body, an abort signal, no redirect followed; any other
 * request goes to the global fetch.
 */
export const keepAliveFetch: FetchLike = (url, init) => {
  const target = new URL(url);
  const agent = agents[target.protocol as keyof typeof agents];
  const { body, signal } = init;
  if (!agent || init.redirect !== 'manual' || (body != null && typeof body !== 'string')) {
    return fetch(url, init);
  }
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const request = (target.protocol === 'https:' ? https : http).request(
      target,
      { method: init.method ?? 'GET', headers, agent },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const status = incoming.statusCode ?? 502;
          const answer = new Headers();
          const raw = incoming.rawHeaders;
          for (let at = 0; at + 1 < raw.length; at += 2) answer.append(raw[at]!, raw[at + 1]!);
          resolve(
            new Response(bodiless.has(status) ? null : Buffer.concat(chunks), { status, headers: answer }),
          );
        });
      },
    );
    const onAbort = () => request.destroy(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('close', () => signal?.removeEventListener('abort', onAbort));
    request.on('error', reject);
    request.end(body ?? undefined);
  });
};
