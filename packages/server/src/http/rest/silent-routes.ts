import {
  type SilentCallbackOutput,
  SilentCallbackQuery,
  SilentStartInput,
  type SilentStartOutput,
} from '@proofline/shared';
import type { FastifyInstance } from 'fastify';
import { ProoflineError } from '../../errors.js';
import type { SilentCompletion, SilentVerification } from '../../silent/index.js';
import type { TenantDirectory } from '../../tenants/index.js';
import type { VerificationService } from '../../verification/index.js';
import { requireSecret } from './auth.js';
import { parseInput } from './parse.js';

export type SilentRoutesDeps = {
  silent: SilentVerification;
  verification: SilentCompletion & Pick<VerificationService, 'start'>;
  tenants: TenantDirectory;
};

/**
 * `GET /v1/silent/callback`: the operator's authorize step sends the device here. In `redirect`
 * mode (the verification was started with a `returnUrl`) the browser goes back to the page; in
 * `fetch` mode the widget's opaque request gets a small JSON answer and the widget polls.
 * `POST /v1/silent/start`: the same flow started by a site backend for its app.
 */
export function registerSilentRoutes(app: FastifyInstance, deps: SilentRoutesDeps): void {
  app.get('/v1/silent/callback', async (request, reply) => {
    // The URL carries a one-time code: never cache it, never pass it on as a Referer.
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    const query = parseInput(SilentCallbackQuery, request.query);
    const result = await deps.silent.callback(query, request.ip, deps.verification);
    if (result.redirectTo !== null) return reply.redirect(result.redirectTo, 303);
    const answer: SilentCallbackOutput = {
      verification_id: result.verificationId,
      status: result.status,
      method: result.method,
    };
    return answer;
  });

  app.post('/v1/silent/start', async (request): Promise<SilentStartOutput> => {
    const site = requireSecret(request, deps.tenants);
    const input = parseInput(SilentStartInput, request.body);
    const state = await deps.verification.start(
      // The site's backend: its address says nothing about the end user, as for send-otp.
      { siteKey: site.siteKey, surface: 'api', ip: null, hostname: null },
      {
        phone: input.phone,
        ...(input.country ? { country: input.country } : {}),
        ...(input.return_url ? { returnUrl: input.return_url } : {}),
        silentOnly: true,
      },
    );
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
  });
}
