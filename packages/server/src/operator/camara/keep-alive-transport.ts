import http from 'node:http';
import https from 'node:https';
import type { Transport } from './http.js';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

/**
 * The operator calls' transport on node:http with keep-alive connections. The global (undici)
 * fetch builds a `Request`, a `Response`, web streams and signals per call: with the operator in
 * its own process that was most of a start's CPU (three calls per start). This one writes the
 * request and reads the answer's bytes straight from the socket; no redirect is followed.
 */
export const keepAliveTransport: Transport = (url, { method, headers, body, signal }) => {
  const target = new URL(url);
  const agent = agents[target.protocol as keyof typeof agents];
  if (!agent) return Promise.reject(new TypeError(`Not an http(s) URL: ${target.protocol}`));
  const sent =
    body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const request = (target.protocol === 'https:' ? https : http).request(
      target,
      { method, headers: sent, agent },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const retryAfter = incoming.headers['retry-after'];
          resolve({
            status: incoming.statusCode ?? 502,
            text: Buffer.concat(chunks).toString('utf8'),
            retryAfter: retryAfter ?? null,
          });
        });
      },
    );
    const onAbort = () => request.destroy(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    request.on('close', () => signal.removeEventListener('abort', onAbort));
    request.on('error', reject);
    request.end(body);
  });
};
