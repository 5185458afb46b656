import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { AppDeps } from '../../deps.js';

export type Context = {
  deps: AppDeps;
  /** The `Origin` header of the browser page calling, if any. */
  origin: string | null;
  ip: string;
};

/** The pure part of the context, used as is by tests through `createCaller`. */
export function createContextInner(
  deps: AppDeps,
  request: { origin?: string | null; ip?: string } = {},
): Context {
  return { deps, origin: request.origin ?? null, ip: request.ip ?? '127.0.0.1' };
}

export function contextFactory(deps: AppDeps) {
  return ({ req }: CreateFastifyContextOptions): Context => {
    const origin = req.headers.origin;
    return createContextInner(deps, { origin: typeof origin === 'string' ? origin : null, ip: req.ip });
  };
}
