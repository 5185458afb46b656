import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import { type Clock, systemClock } from '../../clock/index.js';
import { type SandboxOperatorOptions, sandboxOperatorPlugin } from './plugin.js';

export type RunningSandboxOperator = {
  /** The apiRoot: `http://127.0.0.1:<port>/sandbox/operator`. */
  baseUrl: string;
  close(): Promise<void>;
};

/** The sandbox operator on its own port (0 picks a free one), e.g. for adapter tests or a second operator. */
export async function startSandboxOperator(
  options: { port?: number; host?: string; clock?: Clock } & Partial<
    Omit<SandboxOperatorOptions, 'clock'>
  > = {},
): Promise<RunningSandboxOperator> {
  const app = Fastify({ forceCloseConnections: true });
  await app.register(formbody);
  const basePath = options.basePath ?? '/sandbox/operator';
  await app.register(sandboxOperatorPlugin, {
    clock: options.clock ?? systemClock,
    basePath,
    ...(options.dialect ? { dialect: options.dialect } : {}),
    ...(options.clientKeys ? { clientKeys: options.clientKeys } : {}),
    ...(options.insecureSinks ? { insecureSinks: options.insecureSinks } : {}),
    ...(options.sinkFetch ? { sinkFetch: options.sinkFetch } : {}),
  });
  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  return { baseUrl: `${address}${basePath}`, close: () => app.close() };
}
