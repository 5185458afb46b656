import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { WebhookLookup } from './target.js';

export type DeliveryOutcome =
  | { ok: true; status: number }
  | { ok: false; status: number | null; reason: string; retryAfterMs: number | null; gone: boolean };

function retryAfterMs(response: IncomingMessage, nowMs: number): number | null {
  const header = response.headers['retry-after'];
  if (!header) return null;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(at - nowMs, 0);
}

/**
 * POSTs one webhook. Only 2xx is success; redirects are not followed (a 3xx is a failure, as
 * Standard Webhooks asks); 410 Gone means the receiver wants no more. Never throws: every problem
 * comes back as a failed outcome for the retry schedule.
 */
export function postWebhook(
  target: URL,
  headers: Record<string, string>,
  body: string,
  options: {
    timeoutMs: number;
    nowMs: number /** Resolves and checks the host; unset: plain DNS (insecure targets allowed). */;
    lookup?: WebhookLookup;
  },
): Promise<DeliveryOutcome> {
  return new Promise((resolve) => {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send(target, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'user-agent': 'Proofline-Webhooks/1',
      },
      ...(options.lookup ? { lookup: options.lookup } : {}),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    outgoing.on('response', (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) return resolve({ ok: true, status });
      resolve({
        ok: false,
        status,
        reason: `HTTP ${status}`,
        retryAfterMs: retryAfterMs(response, options.nowMs),
        gone: status === 410,
      });
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.name === 'AbortError' || error.name === 'TimeoutError'
          ? 'timeout'
          : (error.code ?? error.message);
      resolve({ ok: false, status: null, reason, retryAfterMs: null, gone: false });
    });
    outgoing.end(body);
  });
}
