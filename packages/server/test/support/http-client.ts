/** What a REST call answered: the status, the headers and the JSON body (null when empty). */
// biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers of many shapes
type RestAnswer<Body = any> = { status: number; headers: Headers; body: Body };

/** A REST body as a test reads it: the success shape, or the error body. */
export type RestBody<T> = Partial<T> & {
  error?: { code: string; message: string; details?: Record<string, unknown> };
};

export type RestCallOptions = {
  /** The secret key sent as `Authorization: Bearer …`; `null` or `''` sends no Authorization. */
  secret?: string | null;
  headers?: Record<string, string>;
};

export type RestCall = <Body = RestAnswer['body']>(
  method: string,
  path: string,
  body?: unknown,
  options?: RestCallOptions,
) => Promise<RestAnswer<Body>>;

/**
 * A site backend's calls to a running server over real HTTP: JSON in and out, the demo site's secret
 * key unless told otherwise, status and body returned instead of thrown so that tests look at
 * refusals as closely as at successes. `deadlineMs` bounds every request.
 */
export function restClient(
  baseUrl: string,
  defaults: RestCallOptions & { deadlineMs?: number } = {},
): RestCall {
  return async (method, path, body, options = {}) => {
    const secret = [options.secret, defaults.secret, 'sk_test_demo'].find((value) => value !== undefined);
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(secret ? { authorization: `Bearer ${secret}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...defaults.headers,
        ...options.headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(defaults.deadlineMs === undefined ? {} : { signal: AbortSignal.timeout(defaults.deadlineMs) }),
    });
    const text = await response.text();
    const answer = { status: response.status, body: text ? JSON.parse(text) : null };
    // Not enumerable, so that `toEqual({ status, body })` compares what a test states.
    return Object.defineProperty(answer, 'headers', { value: response.headers }) as RestAnswer;
  };
}
