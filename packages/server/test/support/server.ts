import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { type StartOptions, startProofline } from '../../src/index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A key prefix of its own (per test server or store), under the run's prefix, which the global setup
 * (scripts/test-setup.ts) makes and empties when the run ends; runs sharing one Redis never collide.
 */
export function testKeyPrefix(name?: string): string {
  const run = process.env.PROOFLINE_TEST_REDIS_PREFIX ?? 'proofline-test:';
  return `${run}${name === undefined ? '' : `${name}:`}${randomUUID().slice(0, 8)}:`;
}

/** Captures the server's log lines so a test can search them. */
export function logCapture(): { destination: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { destination, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

/** A server on an ephemeral port with quiet logs; `redis: true` uses the real Redis with its own prefix. */
export async function startTestServer(options: StartOptions & { redis?: boolean } = {}) {
  const { redis, env, ...rest } = options;
  return startProofline({
    port: 0,
    ...rest,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      ...(redis ? { REDIS_URL, REDIS_KEY_PREFIX: testKeyPrefix() } : {}),
      ...env,
    },
  });
}
