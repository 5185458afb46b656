import { ProoflineError } from '../errors.js';
import { ConflictError, retryOnConflict } from './conflicts.js';
import { type Caller, type FlowDeps, stateOf, type VerificationState } from './context.js';
import { type Outcomes, reload } from './outcomes.js';
import { isFinal } from './record.js';
import type { Loaded } from './repository.js';

/**
 * Checks a code. The attempt is counted atomically with the read, before comparing, so no more
 * than `maxAttempts` comparisons ever happen; approval is one compare-and-set, so it happens once.
 */
export async function checkCode(
  deps: FlowDeps,
  outcomes: Outcomes,
  caller: Caller,
  verificationId: string,
  code: string,
): Promise<VerificationState> {
  // Ownership is decided in the same atomic step as the count: a stranger's guess counts nothing.
  const counted = await deps.repository.loadCountingAttempt(verificationId, {
    siteKey: caller.siteKey,
    surface: caller.surface,
  });
  if (!counted) throw new ProoflineError('not_found');
  let loaded = counted;
  const { attempts } = counted;

  return retryOnConflict(async (retry) => {
    // Lost the race to another change (a resend, another check): read again, this attempt already counted.
    if (retry > 0) loaded = await reload(deps, verificationId, attempts);
    const { record } = loaded;
    if (isFinal(record)) return stateOf(loaded);
    if (deps.clock.now() >= record.expiresAt) return await outcomes.finish(loaded, 'expired', null);
    // Past the limit: a concurrent check holding an earlier attempt decides the outcome; wait
    // briefly for it, so an outcome landing meanwhile is answered rather than the stale pending.
    if (attempts > record.maxAttempts) {
      const latest = await settledOutcome(deps, verificationId, loaded);
      return { ...stateOf(latest), attempts: Math.max(latest.attempts, attempts) };
    }
    if (deps.codes.matches(record.id, code, record.codeHashes)) {
      // Past the number's wrong-code cap no code approves, so guesses spread over several
      // verifications of one number buy nothing.
      await deps.guard.assertCodesAccepted(record.siteKey, record.phone);
      const approved = await outcomes.approve({ ...loaded, attempts }, caller.settings);
      if (approved) return approved;
      throw new ConflictError();
    }
    await deps.guard.recordWrongCode(record.siteKey, record.phone);
    if (attempts < record.maxAttempts) return { ...stateOf(loaded), attempts };
    return await outcomes.finish({ ...loaded, attempts }, 'max_attempts_reached', null);
  });
}

/**
 * The record once the checks holding earlier attempts have had a moment to land (a few short
 * re-reads, bounded to ~100 ms); as it is then, final or not.
 */
async function settledOutcome(deps: FlowDeps, verificationId: string, loaded: Loaded): Promise<Loaded> {
  let latest = loaded;
  for (let read = 0; read < 5; read++) {
    latest = (await deps.repository.load(verificationId)) ?? latest;
    if (isFinal(latest.record)) return latest;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return latest;
}
