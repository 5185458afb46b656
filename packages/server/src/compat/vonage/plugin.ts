import {
  VonageCheckCodeRequest,
  VonageNetworkUnblockRequest,
  VonageVerifyRequest,
  type VonageWorkflowStep,
} from '@proofline/shared';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.js';
import { ProoflineError } from '../../errors.js';
import { toProoflineError } from '../../http/errors.js';
import { parseInput } from '../../http/rest/parse.js';
import type { Site } from '../../tenants/index.js';
import type { Caller, StartInput } from '../../verification/index.js';
import { VonageAuthenticator } from './auth.js';
import { sendProblem as send, toVonageProblem, vonageProblems } from './problems.js';
import { VonageSilentAuth } from './silent-auth.js';

export type VonageFacadeDeps = Pick<
  AppDeps,
  'tenants' | 'verification' | 'fraud' | 'metrics' | 'clock' | 'keyedHash'
>;

/** Where the facade is mounted: Vonage's own paths, so SDKs need only their host changed. */
export const vonageBasePath = '/v2/verify';

/** The number a Vonage workflow verifies: the first phone step (email steps carry an address). */
function phoneStepOf(workflow: VonageWorkflowStep[]): { to: string; path: string } {
  const index = workflow.findIndex((candidate) => candidate.channel !== 'email');
  if (index < 0) {
    throw new ProoflineError('bad_request', 'The request is not valid.', [
      {
        path: 'workflow',
        code: 'custom',
        message: 'add an sms, whatsapp or voice step: Proofline verifies a phone number',
      },
    ]);
  }
  return { to: workflow[index]!.to, path: `workflow.${index}.to` };
}

/**
 * Vonage Verify v2 over the verification service: each route translates the request, calls one
 * public service operation and answers in Vonage's shapes. Limits, geo permissions, pumping
 * detection, blocks, rules, webhooks and tokens are the service's, exactly as for `/v1`.
 */
export const vonageVerifyPlugin: FastifyPluginAsync<VonageFacadeDeps> = async (app, deps) => {
  const sites = new WeakMap<FastifyRequest, Site>();
  const authenticator = new VonageAuthenticator(deps.tenants, deps.clock);
  const silentAuth = new VonageSilentAuth(deps.keyedHash);

  // The SDK posts next_workflow as JSON with no body at all: an empty JSON body is no body here.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    body === '' ? done(null, undefined) : json(request, body.toString(), done),
  );

  app.setErrorHandler((error, request, reply) => {
    const mapped = toProoflineError(error);
    if (mapped.code === 'service_unavailable') deps.metrics.storeErrors.inc();
    if (mapped.code === 'internal_error') {
      request.log.error({ err: mapped.cause ?? error, url: request.url.split('?')[0] }, 'request failed');
    }
    const { request_id: requestId } = request.params as { request_id?: string };
    const unknownRequest =
      requestId && (mapped.code === 'not_found' || mapped.code === 'verification_closed');
    return send(reply, unknownRequest ? vonageProblems.notFound(requestId) : toVonageProblem(mapped));
  });
  app.setNotFoundHandler((_request, reply) => send(reply, toVonageProblem(new ProoflineError('not_found'))));

  // The site's Vonage-style credentials (Basic or its application's JWT), before the body is read.
  app.addHook('onRequest', async (request) => {
    sites.set(request, await authenticator.siteOf(request));
  });

  // A site backend calls: its address says nothing about the end user, as for `/v1`.
  const callerOf = (request: FastifyRequest): Caller => ({
    siteKey: sites.get(request)!.siteKey,
    surface: 'api',
    ip: null,
    hostname: null,
  });
  // request_id is the verification id itself, so Proofline's webhooks and `/v1` name it alike.
  const requestIdOf = (request: FastifyRequest) => (request.params as { request_id: string }).request_id;

  app.post('/', async (request, reply) => {
    const input = parseInput(VonageVerifyRequest, request.body);
    const phone = phoneStepOf(input.workflow);
    const start: StartInput = {
      phone: phone.to,
      // silent_auth is the service's `silent` step: the operator checks the number over mobile data.
      workflow: input.workflow.map(({ channel, to }) => ({
        channel: channel === 'silent_auth' ? 'silent' : channel,
        to,
      })),
      summaryCallback: true,
      brand: input.brand,
      ...(input.locale ? { locale: input.locale } : {}),
      ...(input.code_length ? { codeLength: input.code_length } : {}),
      ...(input.fraud_check !== undefined ? { fraudCheck: input.fraud_check } : {}),
      ...(input.client_ref !== undefined ? { cdata: input.client_ref } : {}),
      ...(input.channel_timeout ? { stepTimeoutMs: input.channel_timeout * 1000 } : {}),
    };
    const state = await deps.verification.start(callerOf(request), start).catch((error: unknown) => {
      // The service names no field for the number itself: it is this step's `to`.
      if (
        error instanceof ProoflineError &&
        error.code === 'invalid_phone' &&
        !Array.isArray(error.details)
      ) {
        throw new ProoflineError('invalid_phone', error.message, { path: phone.path, ...error.details });
      }
      throw error;
    });
    // A send stopped by a network block is accepted too: as at Vonage, the `blocked` summary
    // reaches the site's webhook. A silent_auth step that began answers where the device goes.
    const { record } = state;
    const silent = record.status === 'pending' ? record.silent : null;
    return reply
      .status(202)
      .send({ request_id: record.id, ...(silent ? { check_url: silent.authUrl } : {}) });
  });

  app.post('/network-unblock', async (request) => {
    const input = parseInput(VonageNetworkUnblockRequest, request.body);
    const site = sites.get(request)!;
    const { unblockedUntil } = await deps.fraud.blocks.unblock(
      site.siteKey,
      input.network,
      input.unblock_duration,
    );
    return {
      network: input.network,
      unblocked_until: new Date(unblockedUntil).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
  });

  app.post('/:request_id', async (request, reply) => {
    const requestId = requestIdOf(request);
    const input = parseInput(VonageCheckCodeRequest, request.body);
    const caller = callerOf(request);
    // Reading first applies what time decided: expiry, or the next step after `channel_timeout`.
    const current = await deps.verification.get(caller, requestId);
    // Approved by the operator already: the code is the one check_url answered the device.
    if (silentAuth.awaitsCode(current.record)) {
      if (!silentAuth.matches(current.record, input.code)) return send(reply, vonageProblems.invalidCode());
      return { request_id: requestId, status: 'completed' };
    }
    const state = await deps.verification.check(caller, { verificationId: requestId }, input.code);
    switch (state.record.status) {
      case 'approved':
        // Only the check that approved carries the token; a later one finds it "verified already".
        if (state.token) return { request_id: requestId, status: 'completed' };
        return send(reply, vonageProblems.notFound(requestId));
      case 'pending':
        return send(reply, vonageProblems.invalidCode());
      case 'max_attempts_reached':
        return send(reply, vonageProblems.tooManyWrongCodes());
      default:
        return send(reply, vonageProblems.notFound(requestId));
    }
  });

  app.delete('/:request_id', async (request, reply) => {
    const requestId = requestIdOf(request);
    const caller = callerOf(request);
    // Only a pending request can be canceled; one that ended is "not found or verified already".
    const current = await deps.verification.get(caller, requestId);
    if (current.record.status !== 'pending') return send(reply, vonageProblems.notFound(requestId));
    const state = await deps.verification.cancel(caller, requestId);
    if (state.record.status !== 'canceled') return send(reply, vonageProblems.notFound(requestId));
    return reply.status(204).send();
  });

  app.post('/:request_id/next_workflow', async (request, reply) => {
    const requestId = requestIdOf(request);
    const caller = callerOf(request);
    const { record } = await deps.verification.get(caller, requestId);
    if (record.status !== 'pending') return send(reply, vonageProblems.notFound(requestId));
    if (record.stepIndex + 1 >= record.workflow.length) return send(reply, vonageProblems.noMoreWorkflows());
    await deps.verification.resend(caller, requestId);
    return reply.status(200).send();
  });
};
