import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { KeyedHash } from '../../privacy/index.js';
import { methodOf, type VerificationRecord } from '../../verification/index.js';
import { sendProblem, vonageProblems } from './problems.js';

/**
 * `silent_auth` as Vonage's apps run it: the end of `check_url` answers the device
 * `{request_id, code}` and the app submits that code to the check route. Here the operator's answer
 * has already approved the request, so the code only proves the device went through `check_url`
 * for this request: a keyed HMAC of the site and request, derived again at the check, never stored.
 */
export class VonageSilentAuth {
  constructor(private readonly keyed: KeyedHash) {}

  /**
   * Answers the device at the end of the silent chain for a request started through the Vonage
   * facade: 200 `{request_id, code}` when the operator approved it, else Vonage's 412 (the workflow
   * moved on to its next step, or failed). Null for any other request, which keeps Proofline's answer.
   */
  answerDevice(reply: FastifyReply, record: VerificationRecord): FastifyReply | null {
    if (!record.summaryCallback) return null;
    if (this.awaitsCode(record)) return reply.send({ request_id: record.id, code: this.codeOf(record) });
    const silentStep = record.steps.find((step) => step.channel === 'silent');
    return sendProblem(reply, vonageProblems.silentAuthFailed(silentStep?.reason ?? null));
  }

  /** A Vonage request the operator approved: its check takes the code `check_url` answered. */
  awaitsCode(record: VerificationRecord): boolean {
    return record.summaryCallback === true && record.status === 'approved' && methodOf(record) === 'silent';
  }

  /** Whether `code` is the one `check_url` answered for this request; compared in constant time. */
  matches(record: VerificationRecord, code: string): boolean {
    const expected = Buffer.from(this.codeOf(record));
    const given = Buffer.from(code);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private codeOf(record: VerificationRecord): string {
    return this.keyed('vonage silent_auth code', record.siteKey, record.id);
  }
}
