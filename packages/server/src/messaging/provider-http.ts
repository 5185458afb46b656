import type { Channel } from '@proofline/shared';
import { maskPhonesIn } from '@proofline/shared';
import type { Clock } from '../clock/index.js';
import { accepted, DeliveryError, type MessagingProvider, type SendReceipt } from './port.js';

export type Fetch = typeof fetch;

/** Where a provider's API is and how long a send may take; both have defaults. */
export interface ProviderApiConfig {
  baseUrl?: string;
  timeoutMs?: number;
}

/** The clock stamps receipts; `fetch` is the global one unless a test or proxy passes its own. */
export interface ProviderApiDeps {
  clock: Clock;
  fetch?: Fetch;
}

/** One message as a provider's REST API takes it. */
export interface ProviderPost {
  channel: Channel;
  path: string;
  /** `authorization` and `content-type`; `accept: application/json` is added. */
  headers: Record<string, string>;
  body: string;
  /** The field of the provider's 2xx JSON answer that holds the message's (or call's) id. */
  idField: string;
}

/** Maps a provider's answer other than a 2xx with an id (status, parsed JSON or null) to a DeliveryError. */
export type ProviderErrorMapper = (httpStatus: number, body: unknown) => DeliveryError;

/**
 * A provider's REST API as the HTTP senders use it: one POST with a deadline; a 2xx answer naming
 * the message's id is a receipt, any other answer goes through the provider's own error mapping.
 * Network failures and timeouts become DeliveryErrors here, the same for every provider.
 */
export class ProviderApi {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly provider: MessagingProvider,
    defaultBaseUrl: string,
    config: ProviderApiConfig,
    private readonly deps: ProviderApiDeps,
    private readonly toError: ProviderErrorMapper,
  ) {
    this.baseUrl = (config.baseUrl ?? defaultBaseUrl).replace(/\/+$/, '');
    this.timeoutMs = config.timeoutMs ?? 10_000;
  }

  async send(post: ProviderPost): Promise<SendReceipt> {
    const { status, json } = await this.post(post);
    if (status >= 200 && status < 300 && isRecord(json)) {
      const id = json[post.idField];
      if (typeof id === 'string') return accepted(this.provider, post.channel, id, this.deps.clock);
    }
    throw this.toError(status, json);
  }

  private async post(post: ProviderPost): Promise<{ status: number; json: unknown }> {
    const { provider, timeoutMs } = this;
    let response: Response;
    try {
      response = await (this.deps.fetch ?? fetch)(`${this.baseUrl}${post.path}`, {
        method: 'POST',
        headers: { ...post.headers, accept: 'application/json' },
        body: post.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new DeliveryError({
        code: timedOut ? 'timeout' : 'provider_error',
        provider,
        retryable: true,
        message: timedOut
          ? `${provider} did not answer within ${timeoutMs} ms`
          : `${provider} could not be reached`,
        cause: error,
      });
    }
    try {
      return { status: response.status, json: parseJson(await response.text()) };
    } catch (error) {
      throw new DeliveryError({
        code: 'timeout',
        provider,
        retryable: true,
        httpStatus: response.status,
        message: `${provider} did not finish its answer within ${timeoutMs} ms`,
        cause: error,
      });
    }
  }
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
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
