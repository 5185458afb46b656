import { type ErrorCode, errorCatalogue, type FieldIssue } from '@proofline/shared';

/**
 * The one error type of the domains: a catalogue code (which fixes the HTTP status), a message
 * safe to show, and optional details. The edge maps it to REST and tRPC answers.
 */
export class ProoflineError extends Error {
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string = errorCatalogue[code].message,
    readonly details?: FieldIssue[] | Record<string, unknown>,
    options: { retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProoflineError';
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }
}
