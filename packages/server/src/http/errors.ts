import { type ErrorBody, type ErrorCode, errorCatalogue, toFieldIssues } from '@proofline/shared';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import { ProoflineError } from '../errors.js';
import { StoreUnavailableError } from '../store/index.js';

/** Fastify's own errors for bad requests, by code, in the catalogue's words. */
const fastifyErrors: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_VALIDATION: 'bad_request',
};

/** tRPC's own refusals (unknown procedure, wrong method, unparsable input) in the catalogue's words. */
const trpcToCatalogue: Partial<Record<TRPC_ERROR_CODE_KEY, ErrorCode>> = {
  PARSE_ERROR: 'bad_request',
  BAD_REQUEST: 'bad_request',
  NOT_FOUND: 'not_found',
  METHOD_NOT_SUPPORTED: 'method_not_allowed',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'forbidden',
  TOO_MANY_REQUESTS: 'rate_limited',
};

/**
 * The one error mapper: whatever was thrown becomes a ProoflineError. Anything unexpected becomes
 * `internal_error` with a generic message, so no stack trace or internal detail leaves the server.
 */
export function toProoflineError(error: unknown): ProoflineError {
  if (error instanceof ProoflineError) return error;
  if (error instanceof TRPCError) {
    if (error.cause && !(error.cause instanceof TRPCError)) return toProoflineError(error.cause);
    const mapped = trpcToCatalogue[error.code];
    return mapped
      ? new ProoflineError(mapped)
      : new ProoflineError('internal_error', undefined, undefined, { cause: error });
  }
  if (error instanceof ZodError) {
    return new ProoflineError('bad_request', 'The request is not valid.', toFieldIssues(error.issues));
  }
  if (error instanceof StoreUnavailableError) return new ProoflineError('service_unavailable');
  if (error instanceof SyntaxError) return new ProoflineError('bad_request', 'The body is not valid JSON.');
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code in fastifyErrors) {
    const mapped = fastifyErrors[code]!;
    return new ProoflineError(mapped, mapped === 'bad_request' ? 'The body is not valid JSON.' : undefined);
  }
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 404) return new ProoflineError('not_found');
    if (status === 405) return new ProoflineError('method_not_allowed');
    if (status === 413) return new ProoflineError('payload_too_large');
    if (status === 415) return new ProoflineError('unsupported_media_type');
    return new ProoflineError('bad_request');
  }
  return new ProoflineError('internal_error', errorCatalogue.internal_error.message, undefined, {
    cause: error,
  });
}

export type RestErrorReply = { status: number; body: ErrorBody; headers: Record<string, string> };

export function toRestError(error: unknown): RestErrorReply {
  const mapped = toProoflineError(error);
  const headers: Record<string, string> = {};
  if (mapped.retryAfterSeconds !== undefined) headers['retry-after'] = String(mapped.retryAfterSeconds);
  const details =
    mapped.retryAfterSeconds !== undefined && mapped.details === undefined
      ? { retry_after: mapped.retryAfterSeconds }
      : mapped.details;
  return {
    status: mapped.status,
    headers,
    body: {
      error: { code: mapped.code, message: mapped.message, ...(details === undefined ? {} : { details }) },
    },
  };
}

const trpcCodes: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
};

export function toTRPCError(error: unknown): TRPCError {
  const mapped = toProoflineError(error);
  return new TRPCError({
    code: trpcCodes[mapped.status] ?? 'INTERNAL_SERVER_ERROR',
    message: mapped.message,
    cause: mapped,
  });
}
