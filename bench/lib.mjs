// What the benchmark and the soak script share: a server process on real Redis, the load
// generator process, and reading the server's /metrics.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const serverRequire = createRequire(new URL('../packages/server/package.json', import.meta.url));
const { Redis } = serverRequire('ioredis');

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const SITE_KEY = 'pk_test_demo';
export const SECRET_KEY = 'sk_test_demo';
export const ORIGIN = 'http://localhost:3000';

/**
 * Limits for load from one machine: the defaults (3 sends per number per 10 min, 1,000 per site per
 * hour, …) are right for production and would turn a benchmark into a rate-limit test.
 */
const GENEROUS_FRAUD_POLICY = {
  rateLimits: {
    number: [{ points: 1_000, durationSeconds: 60 }],
    ip: [{ points: 1_000_000, durationSeconds: 60 }],
    site: [{ points: 10_000_000, durationSeconds: 3_600 }],
    prefix: [{ points: 10_000_000, durationSeconds: 3_600 }],
    country: [{ points: 10_000_000, durationSeconds: 3_600 }],
  },
  pumping: {
    prefixMinSends: 1_000_000_000,
    adjacentNumbers: 1_000_000_000,
    networkMinPrefixes: 1_000_000_000,
  },
};

export function redisClient(url = REDIS_URL) {
  return new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
}

export const runPrefix = (name) => `${name}:${randomBytes(4).toString('hex')}:`;

/** Removes every key of a run (SCAN, never KEYS, so a shared Redis is not stalled). */
export async function deleteKeys(redis, prefix) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/**
 * The server as production runs it: `src/main.ts` in its own process, on Redis with the run's key
 * prefix, logging warnings only. Resolves once it printed its listening line. `entry`: another
 * script that starts the server the same way (bench/floor/widget-start.mjs).
 */
export async function startServerProcess({ prefix, env = {}, entry = 'packages/server/src/main.ts' }) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      PORT: '0',
      LOG_LEVEL: 'warn',
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      TRUSTED_PROXIES: '127.0.0.1',
      FRAUD_POLICY: JSON.stringify(GENEROUS_FRAUD_POLICY),
      SERVER_SECRET: randomBytes(32).toString('hex'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    let output = '';
    // Keeps reading after the listening line: the server's warnings go to this pipe too.
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
      const match = /proofline listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the server exited ${code} before listening: ${output}`)));
  });
  return {
    url,
    pid: child.pid,
    /** SIGTERM by default (graceful); SIGKILL to simulate a crash. */
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/**
 * The sandbox operator in its own process, as a real operator would be: its CAMARA and OAuth work
 * is then not counted as the server's. Resolves with its base URL.
 */
export async function startSandboxProcess() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/operator/sandbox/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, SANDBOX_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const baseUrl = await new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
      const match = /sandbox operator listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the sandbox exited ${code} before listening: ${output}`)));
  });
  return {
    baseUrl,
    env: {
      OPERATOR_BASE_URL: baseUrl,
      OPERATOR_CLIENT_ID: 'sandbox-client',
      OPERATOR_CLIENT_SECRET: 'sandbox-secret',
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The peer (bench/peer/better-auth.mjs: better-auth's phone-number plugin on Redis secondary
 * storage) in its own process, on the same Redis under the run's prefix. Resolves with its URL.
 */
export async function startPeerProcess({ prefix }) {
  const child = spawn(process.execPath, ['bench/peer/better-auth.mjs'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      REDIS_URL,
      PEER_KEY_PREFIX: prefix,
      PEER_SECRET: randomBytes(32).toString('hex'),
    },
    // Its stderr is kept out of the bench's: better-call prints a stack for every request that the
    // load generator aborts at the end of a phase. It is shown if the peer fails to start.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk) => {
    errors = (errors + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
      const match = /better-auth peer listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`the peer exited ${code} before listening: ${output}${errors}`)),
    );
  });
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * CPU time a process has used so far (user + system, ms), from /proc (Linux); null elsewhere. Per
 * request it is steadier than requests per second on a busy machine: waiting for a core is not in it.
 */
async function processCpuMs(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every mainstream kernel build. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * One autocannon run in the separate load process (bench/load.mjs); answers its figures. With
 * `pid`, also the CPU the process under load used per request (`cpu_ms_per_request`).
 */
export async function runLoad(scenario, pid) {
  const cpuBefore = pid === undefined ? null : await processCpuMs(pid);
  const figures = await loadProcess(scenario);
  const cpuAfter = pid === undefined ? null : await processCpuMs(pid);
  if (cpuBefore !== null && cpuAfter !== null && figures.requests > 0) {
    figures.cpu_ms_per_request = Number(((cpuAfter - cpuBefore) / figures.requests).toFixed(3));
  }
  return figures;
}

function loadProcess(scenario) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./load.mjs', import.meta.url))], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited ${code}`));
      resolve(JSON.parse(output));
    });
    child.stdin.end(JSON.stringify({ siteKey: SITE_KEY, origin: ORIGIN, ...scenario }));
  });
}

/** Prometheus text → the sum of every sample of `name` (all label sets). */
export function metricSum(text, name) {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match && match[1] === name) sum += Number(match[2]);
  }
  return sum;
}

export async function metricsText(url) {
  const response = await fetch(`${url}/metrics`);
  return response.text();
}

/** The server process's memory as its own /metrics reports it (prom-client default metrics). */
export async function serverMemory(url) {
  const text = await metricsText(url);
  const pick = (suffix) => {
    const line = text
      .split('\n')
      .find((entry) => !entry.startsWith('#') && entry.split(/[\s{]/)[0].endsWith(suffix));
    return line ? Number(line.trim().split(/\s+/).at(-1)) : null;
  };
  return { rss: pick('resident_memory_bytes'), heapUsed: pick('heap_size_used_bytes') };
}

export async function trpc(url, procedure, input, { method = 'POST' } = {}) {
  const headers = { origin: ORIGIN, 'content-type': 'application/json' };
  const response =
    method === 'GET'
      ? await fetch(
          `${url}/trpc/${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`,
          {
            headers,
          },
        )
      : await fetch(`${url}/trpc/${procedure}`, { method, headers, body: JSON.stringify(input) });
  const body = await response.json();
  if (!response.ok) throw new Error(`${procedure} answered ${response.status}: ${JSON.stringify(body)}`);
  return body.result.data;
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function inParallel(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index], index);
      }
    }),
  );
  return results;
}
