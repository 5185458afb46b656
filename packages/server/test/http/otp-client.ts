import { randomInt } from 'node:crypto';
import type { VerificationView } from '@proofline/shared';
import { expect } from 'vitest';

/** A REST answer: the success shape, or the error body. */
export type RestAnswer<T> = Partial<T> & {
  error?: { code: string; message: string; details?: Record<string, unknown> };
};

/** A tRPC answer: `data` on success, `error.data.code` (snake_case) on refusal. */
export type TrpcAnswer<T> = {
  status: number;
  headers: Headers;
  data: T;
  error?: { message: string; data: { code: string; httpStatus: number; retryAfter?: number } };
};

/** A site backend's and a widget's view of a running server, over real HTTP. */
export function otpClient(baseUrl: string, options: { secret?: string; origin?: string } = {}) {
  const secret = options.secret ?? 'sk_test_demo';
  const origin = options.origin ?? 'http://localhost:5173';

  async function rest<T = Record<string, unknown>>(method: string, path: string, body?: unknown) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${secret}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as RestAnswer<T>,
    };
  }

  async function trpc<T = VerificationView>(
    kind: 'query' | 'mutation',
    path: string,
    input: unknown,
    from = origin,
  ): Promise<TrpcAnswer<T>> {
    const headers = { origin: from, 'content-type': 'application/json' };
    const response =
      kind === 'query'
        ? await fetch(`${baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
            headers,
          })
        : await fetch(`${baseUrl}/trpc/${path}`, { method: 'POST', headers, body: JSON.stringify(input) });
    const body = (await response.json()) as { result?: { data: T }; error?: TrpcAnswer<T>['error'] };
    return {
      status: response.status,
      headers: response.headers,
      data: body.result?.data as T,
      error: body.error,
    };
  }

  /** The newest code the dev inbox holds for `to`. */
  async function latestCode(to: string): Promise<string> {
    const response = await fetch(`${baseUrl}/dev/inbox?to=${encodeURIComponent(to)}`);
    expect(response.status).toBe(200);
    const { messages } = (await response.json()) as { messages: { body: string }[] };
    expect(messages.length).toBeGreaterThan(0);
    return codeIn(messages[0]!.body);
  }

  async function inbox(to: string): Promise<{ channel: string; body: string }[]> {
    const response = await fetch(`${baseUrl}/dev/inbox?to=${encodeURIComponent(to)}`);
    return ((await response.json()) as { messages: { channel: string; body: string }[] }).messages;
  }

  return { rest, trpc, latestCode, inbox };
}

/** The code in a message: the origin-bound last line of SMS, else the first run of 4–10 digits. */
export function codeIn(body: string): string {
  const bound = /#(\d{4,10})\s*$/.exec(body);
  if (bound) return bound[1]!;
  const spoken = /(\d(?:, \d){3,9})/.exec(body);
  if (spoken) return spoken[1]!.replaceAll(', ', '');
  const plain = /\b(\d{4,10})\b/.exec(body);
  if (!plain) throw new Error('no code in message');
  return plain[1]!;
}

/** Any code of the same length that is not `code`. */
export function wrongCode(code: string): string {
  return code
    .split('')
    .map((digit) => String((Number(digit) + 1) % 10))
    .join('');
}

/** A random valid GB mobile number, so tests sharing one server (and its fraud buckets) never meet. */
export function uniqueMobile(): string {
  return `+447400${String(randomInt(1_000_000)).padStart(6, '0')}`;
}

const generous = [{ points: 100_000, durationSeconds: 60 }];
/**
 * A fraud policy that never stands in the way, for tests of the verification rules themselves
 * (the fraud guard has its own tests).
 */
export const RELAXED_FRAUD_POLICY = JSON.stringify({
  rateLimits: { number: generous, ip: generous, site: generous, prefix: generous, country: generous },
  pumping: { prefixMinSends: 100_000, adjacentNumbers: 100_000, networkMinPrefixes: 100_000 },
});
