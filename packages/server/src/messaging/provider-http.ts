import { maskPhonesIn } from '@proofline/shared';
import { DeliveryError, type MessagingProvider } from './port.js';

export type Fetch = typeof fetch;

export interface ProviderResponse {
  status: number;
  /** Parsed JSON, or null when the body was empty or not JSON. */
  json: unknown;
  retryAfterSeconds: number | undefined;
}

export interface ProviderRequest {
  provider: MessagingProvider;
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  fetch: Fetch;
}

/**
 * One POST to a provider with a deadline. Network failures and timeouts become DeliveryErrors
 * here; HTTP error answers come back to the adapter, which knows the provider's error format.
 */
export async function postToProvider(request: ProviderRequest): Promise<ProviderResponse> {
  let response: Response;
  try {
    response = await request.fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    throw new DeliveryError({
      code: timedOut ? 'timeout' : 'provider_error',
      provider: request.provider,
      retryable: true,
      message: timedOut
        ? `${request.provider} did not answer within ${request.timeoutMs} ms`
        : `${request.provider} could not be reached`,
      cause: error,
    });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new DeliveryError({
      code: 'timeout',
      provider: request.provider,
      retryable: true,
      httpStatus: response.status,
      message: `${request.provider} did not finish its answer within ${request.timeoutMs} ms`,
      cause: error,
    });
  }
  return { status: response.status, json: parseJson(text), retryAfterSeconds: retryAfter(response) };
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function retryAfter(response: Response): number | undefined {
  const value = Number(response.headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Provider error texts often quote the recipient; keep only a masked form of it. */
export function providerText(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? maskPhonesIn(value).slice(0, 300) : fallback;
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
