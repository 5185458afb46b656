import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { type DevInbox, renderInboxHtml } from '../../messaging/index.js';
import { parseInput } from './parse.js';

export interface DevInboxRoutesOptions {
  inbox: DevInbox;
}

const DevInboxQuery = z.object({
  to: z.string().max(320).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/**
 * `GET /dev/inbox?to=` (JSON) and `GET /dev/inbox.html`: what the dev inbox "sent", newest first.
 * Mounted only when the dev inbox is enabled; answers are never cached since they hold live codes.
 */
export const devInboxRoutes: FastifyPluginAsync<DevInboxRoutesOptions> = async (app, { inbox }) => {
  app.get('/dev/inbox', async (request, reply) => {
    const query = parseInput(DevInboxQuery, request.query);
    reply.header('cache-control', 'no-store');
    return inbox.list({ to: query.to ?? null, ...(query.limit ? { limit: query.limit } : {}) });
  });

  app.get('/dev/inbox.html', async (request, reply) => {
    const query = parseInput(DevInboxQuery, request.query);
    const { messages } = inbox.list({ to: query.to ?? null, ...(query.limit ? { limit: query.limit } : {}) });
    reply
      .header('cache-control', 'no-store')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
      .type('text/html; charset=utf-8');
    return renderInboxHtml(messages, { to: query.to ?? null });
  });
};
