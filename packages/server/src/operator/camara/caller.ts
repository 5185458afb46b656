import type { z } from 'zod';
import { OperatorError, type SubjectToken } from '../port.js';
import {
  type CamaraApiName,
  type CamaraScopeName,
  type ResolvedCamaraConfig,
  scopeString,
} from './config.js';
import { camaraError, type HttpAnswer, send, type Transport } from './http.js';
import type { TokenClient } from './tokens.js';

/** The calls of a CAMARA operator: client-credentials (`twoLegged`) or with a subject's token. */
export type CamaraCaller = ReturnType<typeof createCaller>;

export function createCaller(config: ResolvedCamaraConfig, tokens: TokenClient, transport: Transport) {
  const urlOf = (api: CamaraApiName, path: string): string => {
    const base = config.paths[api];
    if (base === null) {
      throw new OperatorError('NOT_IMPLEMENTED', 501, `This operator does not offer the ${api} API.`);
    }
    return `${config.baseUrl}/${base}${path}`;
  };

  const exchange = (
    url: string,
    accessToken: string,
    body: unknown,
    method?: 'DELETE',
  ): Promise<HttpAnswer> =>
    send(
      url,
      {
        method: method ?? (body === undefined ? 'GET' : 'POST'),
        headers: {
          authorization: `Bearer ${accessToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      { transport, timeoutMs: config.timeoutMs, retryBackoffMs: config.retryBackoffMs },
    );

  const read = <T>(answer: HttpAnswer, schema: z.ZodType<T>): T => {
    if (answer.status < 200 || answer.status >= 300) throw camaraError(answer);
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) {
      throw new OperatorError('BAD_GATEWAY', 502, 'The operator answered in an unexpected shape.', {
        correlator: answer.correlator,
      });
    }
    return parsed.data;
  };

  return {
    /** A client-credentials call; a refused cached token is dropped and the call made once more. */
    async twoLegged<T>(
      api: CamaraApiName,
      path: string,
      scopeName: CamaraScopeName,
      body: unknown,
      schema: z.ZodType<T>,
      method?: 'DELETE',
    ): Promise<T> {
      const url = urlOf(api, path);
      const scope = scopeString(config, [scopeName], false);
      let answer = await exchange(url, await tokens.clientCredentials(scope), body, method);
      if (answer.status === 401) {
        tokens.invalidate(scope);
        answer = await exchange(url, await tokens.clientCredentials(scope), body, method);
      }
      return read(answer, schema);
    },
    async withToken<T>(
      api: CamaraApiName,
      path: string,
      token: SubjectToken,
      body: unknown,
      schema: z.ZodType<T>,
    ): Promise<T> {
      return read(await exchange(urlOf(api, path), token.accessToken, body), schema);
    },
  };
}
