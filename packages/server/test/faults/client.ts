import { type RestCall, restClient } from '../support/http-client.js';

/**
 * The calls a widget and a site backend make, over real HTTP, answering status and body instead
 * of throwing: fault tests look at refusals as much as at successes.
 */
export const ORIGIN = 'http://localhost:3000';
const SITE_KEY = 'pk_test_demo';
const SECRET_KEY = 'sk_test_demo';

// biome-ignore lint/suspicious/noExplicitAny: the tests read JSON answers of many shapes
export type Answer = { status: number; body: any };

/** The catalogue code of a refusal, from a tRPC error (`error.data.code`) or a REST one (`error.code`). */
export function errorCode(answer: Answer): string | undefined {
  return answer.body?.error?.data?.code ?? answer.body?.error?.code;
}

/** A deadline per request: a store outage must be answered quickly, never left hanging. */
export function clientOf(url: string, deadlineMs = 10_000) {
  const call = async (path: string, init: RequestInit = {}): Promise<Answer> => {
    const response = await fetch(`${url}${path}`, { ...init, signal: AbortSignal.timeout(deadlineMs) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const widget = (procedure: string, input: Record<string, unknown>) =>
    call(`/trpc/${procedure}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ siteKey: SITE_KEY, ...input }),
    });
  const backend: RestCall = restClient(url, { secret: SECRET_KEY, deadlineMs });
  const query = (procedure: string, input: Record<string, unknown>) =>
    call(`/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ siteKey: SITE_KEY, ...input }))}`, {
      headers: { origin: ORIGIN },
    });
  return {
    call,
    /** A tRPC query (GET). */
    query,
    get: (verificationId: string) => query('verification.get', { verificationId }),
    /** A tRPC call; `body.result.data` on success, `body.error.data.code` on refusal. */
    widget,
    backend,
    /** A widget start on Wi-Fi (no silent step: the code goes out at once) unless `extra` says otherwise. */
    start: (phone: string, extra: Record<string, unknown> = {}) =>
      widget('verification.start', { phone, connection: 'wifi', ...extra }),
    check: (verificationId: string, code: string) => widget('verification.check', { verificationId, code }),
    /** Messages the dev inbox holds for a number, newest first. */
    async inbox(to: string): Promise<{ channel: string; body: string }[]> {
      return (await call(`/dev/inbox?to=${encodeURIComponent(to)}`)).body.messages;
    },
    /** The code of the newest message to a number. */
    async code(to: string): Promise<string> {
      const [latest] = (await call(`/dev/inbox?to=${encodeURIComponent(to)}`)).body.messages;
      const code = /\b\d{6}\b/.exec(latest?.body ?? '')?.[0];
      if (!code) throw new Error(`no code sent to ${to}`);
      return code;
    },
    siteverify: (response: string) => backend('POST', '/v1/siteverify', { response }),
  };
}
