// Vitest global setup (vitest.config.ts), so that `pnpm test` works on a fresh machine as the README
// says: it installs what the tests need when it is missing, starts Redis when none answers, gives
// the run one Redis key prefix and deletes every key under it when the run ends.
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';

type Need = { what: string; present: () => Promise<boolean>; aptPackage: string };

const succeeds = (command: string, args: string[]): Promise<boolean> =>
  new Promise((resolve) => execFile(command, args, (error) => resolve(error === null)));

const needs: Need[] = [
  // The store tests also start Cluster and Sentinel nodes of their own from this binary.
  {
    what: 'redis-server',
    present: () => succeeds('redis-server', ['--version']),
    aptPackage: 'redis-server',
  },
  {
    what: 'Chromium (browser tests)',
    present: async () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
    aptPackage: 'chromium',
  },
  // The docs' siteverify samples run in their own languages (packages/server/test/docs).
  { what: 'PHP', present: () => succeeds('php', ['--version']), aptPackage: 'php-cli' },
  { what: 'Go', present: () => succeeds('go', ['version']), aptPackage: 'golang-go' },
  {
    what: 'Python requests',
    present: () => succeeds('python3', ['-c', 'import requests']),
    aptPackage: 'python3-requests',
  },
];

async function installMissing(): Promise<void> {
  // The checks run side by side: each spawns a program, and this runs before every test run.
  const present = await Promise.all(needs.map((need) => need.present()));
  const missing = needs.filter((_, index) => !present[index]);
  if (missing.length === 0) return;
  const packages = missing.map((need) => need.aptPackage);
  const canInstall = process.getuid?.() === 0 && (await succeeds('apt-get', ['--version']));
  if (!canInstall) {
    throw new Error(
      `The tests need ${missing.map((need) => need.what).join(', ')}: sudo apt-get install ${packages.join(' ')}`,
    );
  }
  console.log(`test setup: installing ${packages.join(' ')} (apt-get)`);
  const apt = (args: string[]) => {
    const run = spawnSync('apt-get', args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (run.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
  };
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', ...packages]);
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Starts a throwaway local Redis (no persistence) when nothing answers at the tests' URL. */
async function ensureRedis(url: string): Promise<void> {
  if (await answers(url)) return;
  const { hostname, port } = new URL(url);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost') throw new Error(`No Redis answers at ${url}`);
  const args = [
    '--daemonize',
    'yes',
    '--bind',
    '127.0.0.1',
    '--port',
    port || '6379',
    '--save',
    '',
    '--appendonly',
    'no',
  ];
  if (spawnSync('redis-server', args, { stdio: 'ignore' }).status !== 0)
    throw new Error('redis-server did not start');
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await answers(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Redis started but does not answer at ${url}`);
}

async function deleteKeysUnder(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await client.quit();
  }
}

export async function setup(): Promise<() => Promise<void>> {
  await installMissing();
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  await ensureRedis(url);
  // Test workers and the servers tests spawn inherit this; packages/server/test/support/server.ts
  // builds every test's prefix under it.
  const prefix = `proofline-test:${randomUUID().slice(0, 8)}:`;
  process.env.PROOFLINE_TEST_REDIS_PREFIX = prefix;
  return () => deleteKeysUnder(url, prefix);
}
