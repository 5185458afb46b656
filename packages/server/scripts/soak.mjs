#!/usr/bin/env node
// The soak test, on demand (not in CI): `node packages/server/scripts/soak.mjs` from the repo root.
// A server process on real Redis takes a steady mix of verification.start and verification.check
// (autocannon at SOAK_RPS, default 100, from separate processes; the sandbox operator in its own
// process, as a remote operator) for SOAK_SECONDS (default 300); its RSS
// and heap are sampled every 10 s from its own /metrics. Passes when there were 0 errors and, past
// a 2-minute warm-up (V8 grows its heap to the allocation rate first), memory stays flat within
// 10 % (the heap: no more than 10 % growth; a shrinking heap is no leak): the last minute against
// the first minute after warm-up, RSS by its median and the heap by
// its floor (the lowest sample: heap-used read at random points of the GC sawtooth is noise; what
// a leak raises is what survives collection). Shorter runs scale those windows down. Prints JSON
// and writes bench/soak-results.json.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  deleteKeys,
  inParallel,
  redisClient,
  root,
  runLoad,
  runPrefix,
  SECRET_KEY,
  SITE_KEY,
  serverMemory,
  startSandboxProcess,
  startServerProcess,
  trpc,
} from '../../../bench/lib.mjs';
import { phoneNumber } from '../../../bench/phones.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const RPS = Number(process.env.SOAK_RPS ?? 100);
const SAMPLE_MS = 10_000;
const WARM_UP_MS = Math.min(120_000, SECONDS * 400);
const WINDOW_MS = Math.min(60_000, SECONDS * 200);
const log = (message) => process.stderr.write(`[soak] ${message}\n`);

const redis = redisClient();
const prefix = runPrefix('soak');
const sandbox = await startSandboxProcess();
const server = await startServerProcess({ prefix, env: sandbox.env });
const { url } = server;
log(`server pid ${server.pid} at ${url}; ${SECONDS} s at ${RPS} req/s`);

try {
  await fetch(`${url}/v1/settings/phone-verification`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ max_otp_attempts: 10 }),
  });
  // Half the rate checks wrong codes, spread so no verification reaches its 10 attempts.
  const checkRate = Math.floor(RPS / 2);
  const targets = Math.ceil((checkRate * SECONDS) / 9);
  log(`creating ${targets} verifications to check`);
  const verificationIds = await inParallel(
    Array.from({ length: targets }, (_, index) => index),
    16,
    async (index) =>
      (
        await trpc(url, 'verification.start', {
          siteKey: SITE_KEY,
          phone: phoneNumber(3, index),
          connection: 'wifi',
        })
      ).verificationId,
  );

  const began = Date.now();
  const samples = [];
  const sample = async () =>
    samples.push({ t_s: Math.round((Date.now() - began) / 1000), ...(await serverMemory(url)) });
  await sample();
  const sampler = setInterval(() => void sample().catch(() => {}), SAMPLE_MS);
  const [starts, checks] = await Promise.all([
    runLoad({
      url,
      kind: 'start',
      durationSeconds: SECONDS,
      connections: 8,
      overallRate: RPS - checkRate,
      phoneBlock: 4,
    }),
    runLoad({
      url,
      kind: 'check',
      durationSeconds: SECONDS,
      connections: 8,
      overallRate: checkRate,
      verificationIds,
    }),
  ]);
  clearInterval(sampler);
  await sample();

  const median = (values) => {
    const sorted = values.slice().sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  const steady = samples.filter((entry) => entry.t_s * 1000 >= WARM_UP_MS);
  const firstMinute = steady.filter((entry) => entry.t_s * 1000 < WARM_UP_MS + WINDOW_MS);
  const lastMinute = steady.filter((entry) => entry.t_s * 1000 >= samples.at(-1).t_s * 1000 - WINDOW_MS);
  const floor = (values) => Math.min(...values);
  const drift = (field, summary) => {
    const from = summary(firstMinute.map((entry) => entry[field]));
    const to = summary(lastMinute.map((entry) => entry[field]));
    return Number(((to - from) / from).toFixed(3));
  };
  const errors = (phase) => phase.non2xx + phase.errors + phase.timeouts;
  const result = {
    generated_at: new Date().toISOString(),
    command: 'node packages/server/scripts/soak.mjs',
    seconds: SECONDS,
    target_rps: RPS,
    achieved_rps: starts.rps + checks.rps,
    requests: starts.requests + checks.requests,
    errors: errors(starts) + errors(checks),
    latency_ms: {
      start: { p50: starts.p50_ms, p99: starts.p99_ms },
      check: { p50: checks.p50_ms, p99: checks.p99_ms },
    },
    status_codes: mergeCounts(starts.status_codes, checks.status_codes),
    transport_errors: starts.errors + checks.errors,
    timeouts: starts.timeouts + checks.timeouts,
    memory_drift: { rss: drift('rss', median), heap_used_floor: drift('heapUsed', floor) },
    samples: samples.map((entry) => ({
      t_s: entry.t_s,
      rss_mb: mb(entry.rss),
      heap_used_mb: mb(entry.heapUsed),
    })),
  };
  result.passed =
    result.errors === 0 &&
    Math.abs(result.memory_drift.rss) <= 0.1 &&
    result.memory_drift.heap_used_floor <= 0.1;
  await writeFile(join(root, 'bench', 'soak-results.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  process.exitCode = result.passed ? 0 : 1;
} finally {
  await server.stop();
  await sandbox.stop();
  await deleteKeys(redis, prefix);
  redis.disconnect();
}

function mergeCounts(...counts) {
  const merged = {};
  for (const count of counts)
    for (const [key, value] of Object.entries(count)) merged[key] = (merged[key] ?? 0) + value;
  return merged;
}

function mb(bytes) {
  return Number((bytes / 1_048_576).toFixed(1));
}
