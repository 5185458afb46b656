import { randomUUID } from 'node:crypto';
import type { FieldIssue, VonageProblem } from '@proofline/shared';
import type { FastifyReply } from 'fastify';
import type { ProoflineError } from '../../errors.js';

const docs = 'https://developer.vonage.com/api-errors';

export type VonageErrorReply = { status: number; body: VonageProblem; headers: Record<string, string> };

export const sendProblem = (reply: FastifyReply, answer: VonageErrorReply) =>
  reply.status(answer.status).headers(answer.headers).type('application/problem+json').send(answer.body);

function problem(
  status: number,
  type: string,
  title: string,
  detail: string,
  extra: Partial<VonageProblem> = {},
): VonageErrorReply {
  return { status, headers: {}, body: { type, title, detail, instance: randomUUID(), ...extra } };
}

/** `workflow.0.to` → `workflow[0].to`, as Vonage names parameters. */
const parameterName = (path: string) => path.replace(/\.(\d+)(?=\.|$)/g, '[$1]') || 'body';

function invalidParameters(error: ProoflineError): { name: string; reason: string }[] {
  const { details } = error;
  if (Array.isArray(details)) {
    return (details as FieldIssue[]).map((issue) => ({
      name: parameterName(issue.path),
      reason: issue.message,
    }));
  }
  const path = typeof details?.path === 'string' ? details.path : null;
  if (error.code === 'invalid_phone') {
    return [{ name: parameterName(path ?? 'workflow.0.to'), reason: error.message }];
  }
  if (error.code === 'invalid_code') return [{ name: 'code', reason: error.message }];
  return [{ name: parameterName(path ?? 'body'), reason: error.message }];
}

export const vonageProblems = {
  notFound: (requestId: string) =>
    problem(
      404,
      `${docs}#not-found`,
      'Not Found',
      `Request '${requestId}' was not found or it has been verified already.`,
    ),
  invalidCode: () =>
    problem(
      400,
      `${docs}/verify-v2#invalid-code`,
      'Invalid Code',
      'The code you provided does not match the expected value.',
    ),
  tooManyWrongCodes: () =>
    problem(
      410,
      `${docs}/verify-v2#expired`,
      'Invalid Code',
      'An incorrect code has been provided too many times. Workflow terminated.',
    ),
  noMoreWorkflows: () =>
    problem(409, `${docs}/verify-v2#conflict`, 'Conflict', 'There are no more workflows to move to.'),
  /** The end of `check_url` when the operator did not recognise the line (Vonage's 412). */
  silentAuthFailed: (reason: string | null) =>
    problem(
      412,
      `${docs}/verify-v2#precondition-failed`,
      'Silent authentication failed',
      reason === 'silent_number_mismatch'
        ? 'Device MSISDN does not match.'
        : 'The silent auth verification cannot be completed.',
    ),
  networkNotBlocked: () =>
    problem(404, `${docs}#not-found`, 'Not Found', 'The network you provided does not have an active block.'),
};

const statusTitles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Rate Limit Hit',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** A Proofline refusal in Vonage's words: RFC 7807 problem details with Vonage's HTTP statuses. */
export function toVonageProblem(error: ProoflineError): VonageErrorReply {
  const reply = ((): VonageErrorReply => {
    switch (error.code) {
      case 'unauthorized':
        return problem(
          401,
          `${docs}#unauthorized`,
          'Unauthorized',
          'You did not provide correct credentials.',
        );
      case 'bad_request':
      case 'invalid_phone':
      case 'invalid_code':
        // A body that does not parse is 400; a parsed one with bad values is Vonage's 422.
        if (error.code === 'bad_request' && !Array.isArray(error.details))
          return problem(400, `${docs}#bad-request`, 'Bad Request', error.message);
        return problem(
          422,
          `${docs}#invalid-params`,
          'Invalid params',
          'The value of one or more parameters is invalid.',
          { invalid_parameters: invalidParameters(error) },
        );
      case 'network_not_blocked':
        return vonageProblems.networkNotBlocked();
      case 'not_found':
      case 'verification_closed':
        return problem(404, `${docs}#not-found`, 'Not Found', 'The requested resource does not exist.');
      case 'rate_limited':
      case 'resend_cooldown':
      case 'max_sends_reached':
        return problem(429, `${docs}#throttled`, 'Rate Limit Hit', 'Please wait, then retry your request.');
      case 'country_not_allowed':
      case 'line_type_not_allowed':
      case 'line_not_active':
      case 'channel_not_allowed':
      case 'forbidden':
        return problem(403, `${docs}#forbidden`, 'Forbidden', error.message);
      default:
        return problem(
          error.status,
          `${docs}#${error.code.replaceAll('_', '-')}`,
          statusTitles[error.status] ?? 'Internal Error',
          error.message,
        );
    }
  })();
  if (error.retryAfterSeconds !== undefined) reply.headers['retry-after'] = String(error.retryAfterSeconds);
  return reply;
}
