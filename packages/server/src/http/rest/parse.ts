import { toFieldIssues } from '@proofline/shared';
import type { z } from 'zod';
import { ProoflineError } from '../../errors.js';

/** Validates a body, query or params with a shared schema; failures are 400 `bad_request` with field paths. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new ProoflineError('bad_request', 'The request is not valid.', toFieldIssues(result.error.issues));
  }
  return result.data;
}
