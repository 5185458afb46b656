import { type SilentCallbackOutput, SilentCallbackQuery } from '@proofline/shared';
import type { FastifyInstance } from 'fastify';
import type { SilentCompletion, SilentVerification } from '../../silent/index.js';
import { parseInput } from './parse.js';

export type SilentRoutesDeps = { silent: SilentVerification; verification: SilentCompletion };

/**
 * `GET /v1/silent/callback`: the operator's authorize step sends the device here. In `redirect`
 * mode (the verification was started with a `returnUrl`) the browser goes back to the page; in
 * `fetch` mode the widget's opaque request gets a small JSON answer and the widget polls.
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
}
