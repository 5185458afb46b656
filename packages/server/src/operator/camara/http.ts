import { randomUUID } from 'node:crypto';
import { OperatorError } from '../port.js';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** One request to the operator, as `send` makes it: headers with lower-case names, a string body. */
type OperatorRequest = {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
};

/** What `send` reads of an answer: its status, its body as text and its `Retry-After`. */
type OperatorReply = { status: number; text: string; retryAfter: string | null };

/**
 * The HTTP client of the operator calls. Answers a plain reply, not a fetch `Response`: building a
 * `Response` and reading it back cost more CPU than the rest of a call (three calls per start).
 */
export type Transport = (url: string, request: OperatorRequest) => Promise<OperatorReply>;

/** A transport over a fetch (tests, or any fetch a deployment injects); no redirect is followed. */
export function fetchTransport(fetchImpl: FetchLike): Transport {
  return async (url, request) => {
    const response = await fetchImpl(url, { ...request, redirect: 'manual' });
    return {
      status: response.status,
      text: await response.text(),
      retryAfter: response.headers.get('retry-after'),
    };
  };
}

export type HttpAnswer = { status: number; body: unknown; correlator: string; retryAfterSeconds?: number };

export type SendOptions = {
  transport: Transport;
  timeoutMs: number;
  /** One retry on 5xx/429 after this wait; undefined → no retry (e.g. single-use auth codes). */
  retryBackoffMs: number | undefined;
};

const codeByStatus: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  422: 'SERVICE_NOT_APPLICABLE',
  429: 'TOO_MANY_REQUESTS',
  501: 'NOT_IMPLEMENTED',
  502: 'BAD_GATEWAY',
  503: 'UNAVAILABLE',
  504: 'TIMEOUT',
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One HTTP exchange with the operator: a fresh `x-correlator`, a timeout per attempt, and one retry
 * on 5xx/429. Transport failures become `UNAVAILABLE`, timeouts `TIMEOUT`; the answer's status is
 * returned as is, so callers decide whether it is an error (CAMARA vs OAuth bodies differ).
 */
export async function send(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  options: SendOptions,
): Promise<HttpAnswer> {
  const correlator = randomUUID();
  const request = {
    ...init,
    headers: { ...init.headers, 'x-correlator': correlator, accept: 'application/json' },
  };
  let attempt = 0;
  for (;;) {
    const answer = await sendOnce(url, request, options, correlator);
    const retryable = answer.status === 429 || answer.status >= 500;
    if (!retryable || options.retryBackoffMs === undefined || attempt > 0) return answer;
    attempt++;
    await sleep(options.retryBackoffMs);
  }
}

async function sendOnce(
  url: string,
  init: Omit<OperatorRequest, 'signal'>,
  options: SendOptions,
  correlator: string,
): Promise<HttpAnswer> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs);
  try {
    const reply = await options.transport(url, { ...init, signal: abort.signal });
    const retryAfter = Number(reply.retryAfter);
    return {
      status: reply.status,
      body: parseJson(reply.text),
      correlator,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
    };
  } catch (error) {
    if (abort.signal.aborted) {
      throw new OperatorError('TIMEOUT', 504, `The operator did not answer within ${options.timeoutMs} ms.`, {
        correlator,
      });
    }
    throw new OperatorError('UNAVAILABLE', 503, `The operator could not be reached: ${describe(error)}`, {
      correlator,
    });
  } finally {
    clearTimeout(timer);
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** A CAMARA `ErrorInfo` answer (or any non-2xx) as a typed error. */
export function camaraError(answer: HttpAnswer): OperatorError {
  const body = answer.body as { code?: unknown; message?: unknown } | undefined;
  const code =
    typeof body?.code === 'string'
      ? body.code
      : (codeByStatus[answer.status] ?? (answer.status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT'));
  const message =
    typeof body?.message === 'string' ? body.message : `The operator answered ${answer.status}.`;
  return new OperatorError(code, answer.status, message, {
    correlator: answer.correlator,
    ...(answer.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: answer.retryAfterSeconds }),
  });
}

/** An OAuth2 `{error, error_description}` answer as a typed error. */
export function oauthError(answer: HttpAnswer): OperatorError {
  if (answer.status === 429 || answer.status >= 500) return camaraError(answer);
  const body = answer.body as { error?: unknown; error_description?: unknown } | undefined;
  const error = typeof body?.error === 'string' ? body.error : 'invalid_request';
  const message =
    typeof body?.error_description === 'string'
      ? body.error_description
      : `The token endpoint refused: ${error}.`;
  const [code, status] =
    error === 'invalid_client' || error === 'invalid_grant' || error === 'unauthorized_client'
      ? ['UNAUTHENTICATED', 401]
      : error === 'invalid_scope' || error === 'access_denied'
        ? ['PERMISSION_DENIED', 403]
        : ['INVALID_ARGUMENT', 400];
  return new OperatorError(code, status, message, { correlator: answer.correlator, oauthError: error });
}
