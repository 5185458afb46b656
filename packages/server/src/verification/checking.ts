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
  const counter = deps.guard.wrongCodeCounter;
  const now = deps.clock.now();
  // Ownership is decided in the same atomic step as the count: a stranger's guess counts nothing.
  // That step also counts a wrong code on the number's counter, or reads it for a right one, when
  // the record names it: one round trip (records of earlier releases take the guard's two calls).
  const counted = await deps.repository.loadCountingAttempt(
    verificationId,
    { siteKey: caller.siteKey, surface: caller.surface },
    counter
      ? { hash: deps.codes.hash(verificationId, code), nowMs: now, windowMs: counter.windowMs }
      : undefined,
  );
  if (!counted) throw new ProoflineError('not_found');
  let loaded: Loaded = counted;
  const { attempts } = counted;
  // The tally is of the record that step read: after a conflict the guard is asked instead, and a
  // wrong code is counted once per attempt however often the attempt is retried.
  let tally = counted.tally;
  let wrongCodeCounted = tally !== null && !tally.matched;

  return retryOnConflict(async (retry) => {
    // Lost the race to another change (a resend, another check): read again, this attempt already counted.
    if (retry > 0) {
      loaded = await reload(deps, verificationId, attempts);
      tally = null;
    }
    const { record } = loaded;
    if (isFinal(record)) return stateOf(loaded);
    // The first pass decides at the instant the store step was told, so both agree on expiry.
    if ((retry > 0 ? deps.clock.now() : now) >= record.expiresAt) {
      return await outcomes.finish(loaded, 'expired', null);
    }
    // Past the limit: a concurrent check holding an earlier attempt decides the outcome; wait
    // briefly for it, so an outcome landing meanwhile is answered rather than the stale pending.
    if (attempts > record.maxAttempts) {
      const latest = await settledOutcome(deps, verificationId, loaded);
      return { ...stateOf(latest), attempts: Math.max(latest.attempts, attempts) };
    }
    // The constant-time compare decides; the store step's own (plain) compare only chose what to tally.
    if (deps.codes.matches(record.id, code, record.codeHashes)) {
      // Past the number's wrong-code cap no code approves, so guesses spread over several
      // verifications of one number buy nothing.
      if (counter && tally?.matched) counter.assertAccepted(tally.count, tally.msLeft);
      else await deps.guard.assertCodesAccepted(record.siteKey, record.phone);
      const approved = await outcomes.approve({ ...loaded, attempts }, caller.settings);
      if (approved) return approved;
      throw new ConflictError();
    }
    if (!wrongCodeCounted) {
      await deps.guard.recordWrongCode(record.siteKey, record.phone);
      wrongCodeCounted = true;
    }
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
