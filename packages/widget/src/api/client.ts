import type {
  CheckVerificationInput,
  ConfigGetInput,
  ResendVerificationInput,
  StartVerificationInput,
  VerificationRef,
  VerificationView,
  WidgetConfig,
} from '@proofline/shared';

/**
 * A few typed calls in tRPC's wire format (non-batched, plain JSON) instead of @trpc/client: the
 * widget uses six procedures, and this costs a fraction of the client's size. Types only come from
 * @proofline/shared, so zod is never bundled.
 */

/** A refusal of the server (its snake_case code) or `network_error` when no answer came. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Seconds to wait, for `rate_limited` and `resend_cooldown`. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface TrpcAnswer<T> {
  result?: { data: T };
  error?: {
    message?: string;
    code?: number;
    data?: { code?: string; httpStatus?: number; retryAfter?: number };
  };
}

export interface ProoflineApi {
  config(input: ConfigGetInput): Promise<WidgetConfig>;
  start(input: StartVerificationInput): Promise<VerificationView>;
  get(input: VerificationRef): Promise<VerificationView>;
  resend(input: ResendVerificationInput): Promise<VerificationView>;
  check(input: CheckVerificationInput): Promise<VerificationView>;
  cancel(input: VerificationRef): Promise<VerificationView>;
}

/** `apiUrl` is the server's base URL; procedures live under `<apiUrl>/trpc/`. */
export function createApi(apiUrl: string, fetchImpl: typeof fetch = fetch.bind(globalThis)): ProoflineApi {
  const base = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;

  async function call<T>(procedure: string, kind: 'query' | 'mutation', input: unknown): Promise<T> {
    const url = new URL(`trpc/${procedure}`, base);
    let response: Response;
    try {
      if (kind === 'query') {
        url.searchParams.set('input', JSON.stringify(input));
        response = await fetchImpl(url, { credentials: 'omit' });
      } else {
        response = await fetchImpl(url, {
          method: 'POST',
          credentials: 'omit',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
      }
    } catch {
      throw new ApiError('network_error', 'The server could not be reached.');
    }
    let answer: TrpcAnswer<T>;
    try {
      answer = (await response.json()) as TrpcAnswer<T>;
    } catch {
      throw new ApiError(response.ok ? 'internal_error' : statusCode(response.status), response.statusText);
    }
    if (answer.error || !answer.result) {
      const data = answer.error?.data;
      const code = data?.code && /^[a-z_]+$/.test(data.code) ? data.code : statusCode(response.status);
      throw new ApiError(code, answer.error?.message ?? response.statusText, data?.retryAfter);
    }
    return answer.result.data;
  }

  return {
    config: (input) => call('config.get', 'query', input),
    start: (input) => call('verification.start', 'mutation', input),
    get: (input) => call('verification.get', 'query', input),
    resend: (input) => call('verification.resend', 'mutation', input),
    check: (input) => call('verification.check', 'mutation', input),
    cancel: (input) => call('verification.cancel', 'mutation', input),
  };
}

/** For answers that carry no code of ours (a proxy's 502, a 404 page). */
function statusCode(status: number): string {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'origin_not_allowed';
  if (status >= 500) return 'service_unavailable';
  return 'bad_request';
}
