import {
  TwilioCreateVerificationRequest,
  TwilioUpdateVerificationRequest,
  TwilioVerificationCheckRequest,
} from '@proofline/shared';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.js';
import { ProoflineError } from '../../errors.js';
import { toProoflineError } from '../../http/errors.js';
import { parseInput } from '../../http/rest/parse.js';
import type { TwilioCredentials } from '../../tenants/index.js';
import type { Caller, VerificationState } from '../../verification/index.js';
import { basicCredentials } from '../basic-auth.js';
import { verificationIdOfSid } from '../ids.js';
import { type TwilioErrorReply, toTwilioError, twilioErrors } from './errors.js';
import { channelOfTwilio, toTwilioVerification, toTwilioVerificationCheck } from './resources.js';

export type TwilioFacadeDeps = Pick<AppDeps, 'tenants' | 'verification' | 'metrics' | 'clock' | 'config'>;

/** Where the facade is mounted: Twilio's own paths, so SDKs need only their host changed. */
export const twilioBasePath = '/v2/Services';

type Authenticated = { siteKey: string; credentials: TwilioCredentials };

const send = (reply: FastifyReply, answer: TwilioErrorReply) =>
  reply.status(answer.status).headers(answer.headers).send(answer.body);

/** The path Twilio names in its 20404 message (without the `/v2` version). */
const resourcePath = (request: FastifyRequest) => (request.url.split('?')[0] ?? '').replace(/^\/v2/, '');

/**
 * Twilio Verify v2 over the verification service: each route translates the form-encoded request,
 * calls one public service operation and answers with Twilio's resources and error bodies. Limits,
 * geo permissions, pumping detection, blocks, rules, webhooks and tokens are the service's.
 */
export const twilioVerifyPlugin: FastifyPluginAsync<TwilioFacadeDeps> = async (app, deps) => {
  const authenticated = new WeakMap<FastifyRequest, Authenticated>();

  app.setErrorHandler((error, request, reply) => {
    const mapped = toProoflineError(error);
    if (mapped.code === 'service_unavailable') deps.metrics.storeErrors.inc();
    if (mapped.code === 'internal_error') {
      request.log.error({ err: mapped.cause ?? error, url: request.url.split('?')[0] }, 'request failed');
    }
    return send(reply, toTwilioError(mapped, resourcePath(request)));
  });
  app.setNotFoundHandler((request, reply) => send(reply, twilioErrors.notFound(resourcePath(request))));

  // Basic auth with the site's `AC…` account SID and auth token; the `VA…` service must be the site's.
  app.addHook('onRequest', async (request) => {
    const credentials = basicCredentials(request);
    const site = credentials && deps.tenants.byTwilioCredentials(credentials.user, credentials.password);
    if (!site?.twilio) throw new ProoflineError('unauthorized');
    const { ServiceSid: serviceSid } = request.params as { ServiceSid?: string };
    if (serviceSid !== site.twilio.serviceSid) throw new ProoflineError('not_found');
    authenticated.set(request, { siteKey: site.siteKey, credentials: site.twilio });
  });

  // A site backend calls: its address says nothing about the end user, as for `/v1`.
  const callerOf = (request: FastifyRequest): Caller => ({
    siteKey: authenticated.get(request)!.siteKey,
    surface: 'api',
    ip: null,
    hostname: null,
  });
  const credentialsOf = (request: FastifyRequest) => authenticated.get(request)!.credentials;
  const baseUrlOf = (request: FastifyRequest) =>
    deps.config.PUBLIC_URL?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`;
  const verificationIdOf = (sid: string) => {
    const id = verificationIdOfSid(sid);
    if (!id) throw new ProoflineError('not_found');
    return id;
  };
  const sidOf = (request: FastifyRequest) => (request.params as { Sid: string }).Sid;
  const verification = (request: FastifyRequest, state: VerificationState) =>
    toTwilioVerification(state, credentialsOf(request), baseUrlOf(request));

  app.post('/:ServiceSid/Verifications', async (request, reply) => {
    const input = parseInput(TwilioCreateVerificationRequest, request.body);
    const caller = callerOf(request);
    const channel = channelOfTwilio(input.Channel);
    const asked = deps.clock.now();
    let state = await deps.verification.start(caller, {
      phone: input.To,
      channel,
      ...(input.Locale ? { locale: input.Locale } : {}),
      ...(input.CustomFriendlyName ? { brand: input.CustomFriendlyName } : {}),
    });
    // For a number with a pending verification the service answers that one (as Twilio does); a
    // create then sends a new code, over the channel it names, as Twilio's does. A new
    // verification keeps the channel the site's rules chose.
    const { record } = state;
    if (record.createdAt < asked && record.status === 'pending') {
      state = await deps.verification.resend(caller, record.id, channel);
    }
    if (state.record.status === 'blocked') return send(reply, twilioErrors.deliveryBlocked());
    return reply.status(201).send(verification(request, state));
  });

  app.get('/:ServiceSid/Verifications/:Sid', async (request) =>
    verification(request, await deps.verification.get(callerOf(request), verificationIdOf(sidOf(request)))),
  );

  app.post('/:ServiceSid/Verifications/:Sid', async (request, reply) => {
    const id = verificationIdOf(sidOf(request));
    const input = parseInput(TwilioUpdateVerificationRequest, request.body);
    if (input.Status === 'approved') {
      // Approval needs proof of possession: the code, checked by VerificationCheck.
      throw new ProoflineError('bad_request', 'The request is not valid.', [
        { path: 'Status', code: 'custom', message: 'Proofline approves a verification only with its code' },
      ]);
    }
    const caller = callerOf(request);
    // Only a pending verification can be canceled; Twilio no longer knows one that ended.
    const current = await deps.verification.get(caller, id);
    if (current.record.status !== 'pending') return send(reply, twilioErrors.notFound(resourcePath(request)));
    const state = await deps.verification.cancel(caller, id);
    if (state.record.status !== 'canceled') return send(reply, twilioErrors.notFound(resourcePath(request)));
    return verification(request, state);
  });

  app.post('/:ServiceSid/VerificationCheck', async (request, reply) => {
    const input = parseInput(TwilioVerificationCheckRequest, request.body);
    const target = input.VerificationSid
      ? { verificationId: verificationIdOf(input.VerificationSid) }
      : { phone: input.To! };
    const state = await deps.verification.check(callerOf(request), target, input.Code);
    switch (state.record.status) {
      case 'pending':
        return toTwilioVerificationCheck(state, credentialsOf(request));
      case 'approved':
        // Twilio forgets a verification once approved: only the approving check sees it.
        if (state.token) return toTwilioVerificationCheck(state, credentialsOf(request));
        return send(reply, twilioErrors.notFound(resourcePath(request)));
      case 'max_attempts_reached':
        return send(reply, twilioErrors.maxCheckAttempts());
      default:
        return send(reply, twilioErrors.notFound(resourcePath(request)));
    }
  });
};
