import { LineInfoError } from './port.js';

export type HttpSourceOptions = { baseUrl: string; timeoutMs: number; fetch?: typeof fetch };

/** One GET to a provider with a timeout; transport failures and timeouts become {@link LineInfoError}. */
export async function getJson(
  url: string,
  headers: Record<string, string>,
  options: HttpSourceOptions,
): Promise<{ status: number; body: unknown }> {
  const fetchImpl = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      headers: { accept: 'application/json', ...headers },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw timedOut
      ? new LineInfoError('timeout', `No answer within ${options.timeoutMs} ms.`)
      : new LineInfoError('unavailable', 'The provider could not be reached.');
  }
  const text = await response.text();
  try {
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  } catch {
    if (response.status >= 500 || response.status === 429)
      throw new LineInfoError('unavailable', `The provider answered ${response.status}.`);
    throw new LineInfoError('bad_answer', `The provider answered ${response.status} without JSON.`);
  }
}

/** What an HTTP status other than success means for a lookup. */
export function failureOf(status: number, provider: string): LineInfoError {
  if (status === 401 || status === 403)
    return new LineInfoError('refused', `${provider} refused the credentials.`);
  if (status === 429 || status >= 500)
    return new LineInfoError('unavailable', `${provider} answered ${status}.`);
  return new LineInfoError('bad_answer', `${provider} answered ${status}.`);
}
