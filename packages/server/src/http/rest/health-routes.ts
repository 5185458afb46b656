import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../deps.js';

const READY_TIMEOUT_MS = 1_000;

export function registerHealthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  // Ready only when the store answers in time: a load balancer then stops sending us traffic.
  app.get('/readyz', async (_request, reply) => {
    try {
      await withTimeout(deps.store.ping(), READY_TIMEOUT_MS);
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'not_ready', store: 'unavailable' });
    }
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
