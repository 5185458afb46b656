import {
  SilentCallbackOutput,
  SilentCallbackQuery,
  SilentStartInput,
  SilentStartOutput,
} from '@proofline/shared';
import type { FastifyReply } from 'fastify';
import { ProoflineError } from '../../errors.js';
import type { SilentCompletion, SilentVerification } from '../../silent/index.js';
import type { TenantDirectory } from '../../tenants/index.js';
import type { VerificationRecord, VerificationService } from '../../verification/index.js';
import { defineRoute, routePlugin } from './route.js';
import { backendCaller, sendRefusals } from './verification-routes.js';

export type SilentRoutesDeps = {
  silent: SilentVerification;
  verification: SilentCompletion & Pick<VerificationService, 'start'>;
  tenants: TenantDirectory;
  /**
   * Answers the device in a facade's own shape for the requests that facade started (Vonage's
   * `silent_auth`); null keeps Proofline's answer.
   */
  facadeAnswer: (reply: FastifyReply, record: VerificationRecord) => FastifyReply | null;
};

/** Where the operator's authorize step sends the device back: the `redirect_uri` given to the operator. */
export const silentCallbackPath = '/v1/silent/callback';

/** Silent verification: the operator's redirect back, and the same flow started by a site backend. */
export const silentRoutes = routePlugin<SilentRoutesDeps>([
  defineRoute({
    method: 'GET',
    path: silentCallbackPath,
    auth: 'public',
    query: SilentCallbackQuery,
    response: SilentCallbackOutput,
    // The URL carries a one-time code: never cache it, never pass it on as a Referer.
    headers: { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
    doc: {
      tag: 'Verification',
      summary: "The operator's redirect at the end of silent verification",
      description:
        "Not called by site backends: the operator's authorize step sends the device here with `code` and " +
        '`state` (or `error`). It approves the verification, or moves it on to its next channel. A ' +
        'verification started with a `returnUrl` (`redirect` mode) is answered 303 to that page with ' +
        '`#proofline_verification=<id>`; otherwise (`fetch` mode) with this small JSON. A request started ' +
        'through the Vonage facade (`/v2/verify`, `silent_auth`) is answered as Vonage answers its ' +
        '`check_url`: 200 `{request_id, code}` to submit to the check route, or 412 problem JSON when ' +
        'the line was not recognised. An unknown or used `state` is `not_found`.',
      errors: ['not_found'],
    },
    handler: async ({ query, request, reply }, { silent, verification, facadeAnswer }) => {
      const result = await silent.callback(query, request.ip, verification);
      if (result.redirectTo !== null) return reply.redirect(result.redirectTo, 303);
      const answered = facadeAnswer(reply, result.record);
      if (answered) return answered;
      return { verification_id: result.verificationId, status: result.status, method: result.method };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/silent/start',
    auth: 'secret',
    body: SilentStartInput,
    response: SilentStartOutput,
    doc: {
      tag: 'Verification',
      summary: 'Start silent verification for a mobile app',
      description:
        'The app opens `auth_url` over mobile data; the operator identifies the line and sends it to ' +
        '`/v1/silent/callback` (then to `return_url`, a page on an allowed origin, when given). Read the ' +
        'result with `GET /v1/verifications/:id`: `approved` (method `silent`) or `failed`; no code is ' +
        'ever sent. `channel_not_allowed` when the site turned `silent` off.',
      errors: ['verification_closed', ...sendRefusals],
      example: { phone: '+447400123456' },
    },
    handler: async ({ site, body }, { verification }) => {
      const state = await verification.start(backendCaller(site), {
        phone: body.phone,
        ...(body.country ? { country: body.country } : {}),
        ...(body.return_url ? { returnUrl: body.return_url } : {}),
        silentOnly: true,
      });
      const silent = state.record.status === 'pending' ? state.record.silent : null;
      if (silent === null) {
        throw new ProoflineError(
          'verification_closed',
          'Silent verification could not start for this number.',
          {
            verification_id: state.record.id,
            status: state.record.status,
            reason: state.record.reason,
          },
        );
      }
      return {
        verification_id: state.record.id,
        auth_url: silent.authUrl,
        expires_at: new Date(silent.expiresAt).toISOString(),
      };
    },
  }),
]);
