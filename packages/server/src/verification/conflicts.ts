import { ProoflineError } from '../errors.js';
import type { VerificationRecord } from './record.js';
import type { VerificationRepository } from './repository.js';

/** How often an operation re-reads and retries after losing a compare-and-set to a concurrent one. */
const MAX_CONFLICT_RETRIES = 8;

/** Another request changed the record between our read and our write; the operation starts over. */
export class ConflictError extends Error {}

/**
 * Runs `attempt` until it does not lose a compare-and-set (a {@link ConflictError}); `retry` counts
 * the attempts before, so an attempt after a conflict knows to read the record again. After
 * `MAX_CONFLICT_RETRIES` lost races the request answers `service_unavailable`.
 */
export async function retryOnConflict<T>(attempt: (retry: number) => Promise<T>): Promise<T> {
  for (let retry = 0; retry < MAX_CONFLICT_RETRIES; retry++) {
    try {
      return await attempt(retry);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  throw new ProoflineError('service_unavailable');
}

/** Creates the record (`raw` null) or replaces it if unchanged since read; throws {@link ConflictError} otherwise. */
export async function writeRecord(
  repository: VerificationRepository,
  raw: string | null,
  next: VerificationRecord,
): Promise<string> {
  if (raw === null) return repository.create(next);
  const written = await repository.replace(raw, next);
  if (written === null) throw new ConflictError();
  return written;
}
