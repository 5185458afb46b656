// `pnpm bench`: the server on real Redis in one process, load from another (autocannon), every
// figure taken in this one run and set against a no-op baseline measured in the same run.
// Writes bench/results.json (docs/design.md's shape, more keys allowed) and prints a table.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  deleteKeys,
  inParallel,
  metricSum,
  metricsText,
  ORIGIN,
  REDIS_URL,
  redisClient,
  root,
  runLoad,
  runPrefix,
  SECRET_KEY,
  SITE_KEY,
  startPeerProcess,
  startSandboxProcess,
  startServerProcess,
  trpc,
} from './lib.mjs';
import { phoneNumber } from './phones.mjs';

const run = promisify(execFile);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const FIXED_RPS = 1_000;
const ROUND_TRIP_SAMPLES = 50;
const SILENT_SAMPLES = 20;
const APPROVAL_SAMPLES = 20;
/** One block of numbers per phase: no start ever meets a verification live for its number. */
const blocks = { warmup: 0, start: 1, fixedStart: 2, checkTargets: 3, roundTrips: 4, silent: 5 };
/** Numbers past the first half of a block: the offline server's starts share the start block. */
const OFFLINE_OFFSET = 500_000;
/** The floor's server stores only its first start: its numbers only need to differ from the others'. */
const FLOOR_OFFSET = 250_000;
/** The peer keeps its own keys: its numbers only need to differ from one another. */
const PEER_OFFSET = 750_000;
/** The approvals' numbers share the silent flow's block, past its few. */
const APPROVAL_OFFSET = 500_000;

const began = Date.now();
const log = (message) =>
  process.stderr.write(`[bench ${((Date.now() - began) / 1000).toFixed(0)}s] ${message}\n`);

const redis = redisClient();
await redis.ping().catch((error) => {
  console.error(`pnpm bench needs Redis at ${REDIS_URL}: ${error.message}`);
  process.exit(1);
});
const prefix = runPrefix('bench');
const sandbox = await startSandboxProcess();
const server = await startServerProcess({ prefix, env: sandbox.env });
const { url } = server;
const peerPrefix = `${prefix}peer:`;
const peer = await startPeerProcess({ prefix: peerPrefix });
log(`server pid ${server.pid} at ${url}, Redis ${REDIS_URL} prefix ${prefix}, operator ${sandbox.baseUrl}`);
log(`peer (better-auth phone-number plugin) at ${peer.url}, prefix ${peerPrefix}`);

try {
  const settings = await fetch(`${url}/v1/settings/phone-verification`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
    // Ten attempts per verification: the check phase spreads its wrong codes over fewer of them.
    body: JSON.stringify({ max_otp_attempts: 10 }),
  });
  if (!settings.ok) throw new Error(`settings answered ${settings.status}`);

  log('warm-up');
  await runLoad({ url, kind: 'ping', durationSeconds: 3, connections: CONNECTIONS });
  await runLoad({
    url,
    kind: 'start',
    durationSeconds: 3,
    connections: CONNECTIONS,
    phoneBlock: blocks.warmup,
  });

  log('baseline: ping');
  const baseline = await runLoad(
    { url, kind: 'ping', durationSeconds: DURATION_S, connections: CONNECTIONS },
    server.pid,
  );
  log('verification.start');
  const operatorBefore = await operatorCalls(url);
  const start = await runLoad(
    { url, kind: 'start', durationSeconds: DURATION_S, connections: CONNECTIONS, phoneBlock: blocks.start },
    server.pid,
  );

  const operatorAfter = await operatorCalls(url);
  start.operator_calls_per_start = Number(
    ((operatorAfter.count - operatorBefore.count) / start.requests).toFixed(2),
  );
  start.operator_ms_per_start = Number(
    (((operatorAfter.sum - operatorBefore.sum) * 1000) / start.requests).toFixed(2),
  );

  // Enough verifications that each gets fewer wrong codes than its 10 attempts at the measured pace.
  // A check can run about as fast as the baseline; both check phases together must leave every
  // verification under its 10 attempts, or the phase would measure answers for closed ones.
  const targets = Math.min(Math.ceil(((baseline.rps * 1.2 + FIXED_RPS) * DURATION_S) / 9), 60_000);
  log(`creating ${targets} verifications for the check phase`);
  const verificationIds = await inParallel(
    Array.from({ length: targets }, (_, index) => index),
    CONNECTIONS,
    async (index) =>
      (
        await untilServed(() =>
          trpc(url, 'verification.start', {
            siteKey: SITE_KEY,
            phone: phoneNumber(blocks.checkTargets, index),
            connection: 'wifi',
          }),
        )
      ).verificationId,
  );
  log('verification.check');
  const check = await runLoad(
    { url, kind: 'check', durationSeconds: DURATION_S, connections: CONNECTIONS, verificationIds },
    server.pid,
  );
  check.checks_per_verification = Number((check.requests / verificationIds.length).toFixed(2));

  // The same start on a server without an operator (lookups from offline prefix data, no silent
  // step): what the OTP start costs by itself, apart from the operator calls of the lookup.
  log('verification.start without an operator');
  const startOffline = await startOnOwnServer({ env: { ENABLE_SANDBOX: 'false' } }, OFFLINE_OFFSET);
  // The floor under it: the same server whose service answers every start at once with one stored
  // answer; what a widget mutation costs before the service runs. The start's own work is the rest.
  log('verification.start floor: the service answering at once');
  const startFloor = await startOnOwnServer(
    { env: { ENABLE_SANDBOX: 'false' }, entry: 'bench/floor/widget-start.mjs' },
    FLOOR_OFFSET,
  );

  // The peer on the same machine and load generator: what a developer would otherwise pick.
  log('peer: better-auth phone-number send-otp');
  await runLoad({
    url: peer.url,
    kind: 'peer',
    durationSeconds: 3,
    connections: CONNECTIONS,
    phoneBlock: blocks.warmup,
    phoneOffset: PEER_OFFSET,
  });
  const peerStart = await runLoad(
    {
      url: peer.url,
      kind: 'peer',
      durationSeconds: DURATION_S,
      connections: CONNECTIONS,
      phoneBlock: blocks.start,
      phoneOffset: PEER_OFFSET,
    },
    peer.pid,
  );

  log(`verification.start and .check at a fixed ${FIXED_RPS} req/s`);
  const fixedStart = await runLoad({
    url,
    kind: 'start',
    durationSeconds: DURATION_S,
    connections: CONNECTIONS,
    overallRate: FIXED_RPS,
    phoneBlock: blocks.fixedStart,
  });
  const fixedCheck = await runLoad({
    url,
    kind: 'check',
    durationSeconds: DURATION_S,
    connections: CONNECTIONS,
    overallRate: FIXED_RPS,
    verificationIds: verificationIds.slice().reverse(),
  });
  fixedCheck.checks_per_verification = Number(
    ((check.requests + fixedCheck.requests) / verificationIds.length).toFixed(2),
  );

  log('Redis round trips');
  const roundTrips = await countRoundTrips(url, prefix, peer.url);
  log('approvals');
  const approvals = await approvalCost(url);
  log('silent flow');
  const silent = await silentOverhead(url, sandbox.baseUrl);
  log('widget sizes');
  const widget = await widgetSizes();

  const ratio = (phase) => Number((phase.rps / baseline.rps).toFixed(3));
  const results = {
    generated_at: new Date().toISOString(),
    command: 'pnpm bench',
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    setup: {
      server: 'packages/server/src/main.ts in its own process, NODE_ENV=development, LOG_LEVEL=warn',
      operator: 'the sandbox operator in its own process (OPERATOR_BASE_URL), as a remote operator would be',
      redis: REDIS_URL,
      load: `autocannon in a separate process, ${CONNECTIONS} connections, ${DURATION_S} s per phase`,
      baseline: 'tRPC `ping` (GET /trpc/ping): a no-op procedure on the same stack, Origin header included',
      start: 'verification.start with connection "wifi": the OTP path (the silent flow is measured apart)',
      cpu_ms_per_request:
        "the measured process's user + system CPU over the phase (/proc), divided by its requests; Redis and the load generator not included",
    },
    http: {
      baseline: pick(baseline),
      start: {
        ...pick(start),
        ratio_to_baseline: ratio(start),
        operator_calls_per_start: start.operator_calls_per_start,
        operator_ms_per_start: start.operator_ms_per_start,
      },
      start_without_operator: {
        ...pick(startOffline),
        ratio_to_baseline: ratio(startOffline),
        ratio_to_peer: Number((startOffline.rps / peerStart.rps).toFixed(3)),
        ...ownWork(baseline, startOffline, startFloor),
        // The peer's CPU per request over Proofline's: the same comparison, less shaken by other load.
        ...(startOffline.cpu_ms_per_request && peerStart.cpu_ms_per_request
          ? {
              cpu_ratio_to_peer: Number(
                (peerStart.cpu_ms_per_request / startOffline.cpu_ms_per_request).toFixed(3),
              ),
            }
          : {}),
      },
      start_floor: {
        ...pick(startFloor),
        ratio_to_baseline: ratio(startFloor),
        what: 'verification.start on the server without an operator whose service answers every start at once with its first answer (bench/floor/widget-start.mjs): what a widget mutation costs before the service runs',
      },
      peer_start: {
        ...pick(peerStart),
        ratio_to_baseline: ratio(peerStart),
        what: 'better-auth phone-number plugin, POST /api/auth/phone-number/send-otp, no-op sendOTP, Redis secondary storage (@better-auth/redis-storage), rate limits in secondary storage',
        version: peerVersion(),
      },
      check: {
        ...pick(check),
        ratio_to_baseline: ratio(check),
        checks_per_verification: check.checks_per_verification,
      },
      approval: approvals,
      fixed_rate: {
        target_rps: FIXED_RPS,
        start: pick(fixedStart),
        check: { ...pick(fixedCheck), checks_per_verification_after: fixedCheck.checks_per_verification },
      },
    },
    redis_round_trips: roundTrips,
    silent_overhead_ms: silent,
    widget,
    goals: {
      start_without_operator_at_least_half_baseline: ratio(startOffline) >= 0.5,
      start_without_operator_at_least_peer: startOffline.rps >= peerStart.rps,
      start_with_operator_at_least_quarter_baseline: ratio(start) >= 0.25,
      check_at_least_half_baseline: ratio(check) >= 0.5,
      p99_at_1000_rps_within_20ms: fixedStart.p99_ms <= 20 && fixedCheck.p99_ms <= 20,
      round_trips_start_at_most_3: roundTrips.start <= 3,
      round_trips_check_at_most_1: roundTrips.check <= 1,
    },
    duration_s: Math.round((Date.now() - began) / 1000),
  };
  await writeFile(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
} finally {
  await server.stop();
  await peer.stop();
  await sandbox.stop();
  await deleteKeys(redis, prefix);
  redis.disconnect();
}

/**
 * The start phase on a server process of its own (`startServerProcess` options), warmed up as the
 * first server and the peer are (a fresh process loads and compiles lazily), then stopped.
 */
async function startOnOwnServer(options, phoneOffset) {
  const own = await startServerProcess({ prefix, ...options });
  try {
    const phase = { url: own.url, kind: 'start', connections: CONNECTIONS, phoneOffset };
    await runLoad({ ...phase, durationSeconds: 3, phoneBlock: blocks.warmup });
    return await runLoad({ ...phase, durationSeconds: DURATION_S, phoneBlock: blocks.start }, own.pid);
  } finally {
    await own.stop();
  }
}

/**
 * Setting up a phase must not fail on a busy machine: a 503 (the server shed load, e.g. a Redis
 * command past its timeout while the operator phase just ended) is asked again, a few times.
 */
async function untilServed(call) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 5 || !/answered 503/.test(String(error.message))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/**
 * The start's own work (its CPU per request over the floor's), and what it could take if a start
 * were to run at half the baseline's rate: twice the baseline's CPU per request, less the floor.
 * Both phases are bound by the server's one thread, so requests per second follow CPU per request.
 */
function ownWork(baseline, start, floor) {
  if (!baseline.cpu_ms_per_request || !start.cpu_ms_per_request || !floor.cpu_ms_per_request) return {};
  const ms = (value) => Number(value.toFixed(3));
  return {
    own_cpu_ms_per_request: ms(start.cpu_ms_per_request - floor.cpu_ms_per_request),
    own_cpu_ms_at_half_baseline: ms(2 * baseline.cpu_ms_per_request - floor.cpu_ms_per_request),
  };
}

function pick(phase) {
  return {
    rps: phase.rps,
    p50_ms: phase.p50_ms,
    p99_ms: phase.p99_ms,
    requests: phase.requests,
    non_2xx: phase.non2xx,
    errors: phase.errors + phase.timeouts,
    ...(phase.cpu_ms_per_request === undefined ? {} : { cpu_ms_per_request: phase.cpu_ms_per_request }),
  };
}

/**
 * Commands the server sends to Redis per operation, watched with MONITOR and kept to this run's
 * prefix: a command issued by the server is one round trip (commands Lua runs inside a script are
 * listed apart, and INFO commandstats would count them too). The webhook poller's commands are
 * left out: they do not depend on traffic.
 */
async function countRoundTrips(url, prefix, peerUrl) {
  const monitorClient = redisClient();
  const monitor = await monitorClient.monitor();
  let phase = null;
  const seen = { ping: [], start: [], check: [], peer: [] };
  monitor.on('monitor', (_time, args, source) => {
    if (!phase || !args.some((arg) => String(arg).includes(prefix))) return;
    if (args.some((arg) => String(arg).includes('webhooks'))) return;
    const key = String(args.find((arg) => String(arg).includes(prefix))).split(prefix)[1] ?? '';
    const area = phase === 'peer' ? peerAreaOf(key) : areaOf(key);
    seen[phase].push({ command: String(args[0]).toLowerCase(), area, lua: source === 'lua' });
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
  const measure = async (name, work) => {
    phase = name;
    for (let index = 0; index < ROUND_TRIP_SAMPLES; index += 1) await work(index);
    await settle();
    phase = null;
  };
  const ids = [];
  await measure('ping', () => trpc(url, 'ping', undefined, { method: 'GET' }));
  await measure('start', async (index) => {
    const view = await trpc(url, 'verification.start', {
      siteKey: SITE_KEY,
      phone: phoneNumber(blocks.roundTrips, index),
      connection: 'wifi',
    });
    ids.push(view.verificationId);
  });
  await measure('check', (index) =>
    trpc(url, 'verification.check', { siteKey: SITE_KEY, verificationId: ids[index], code: '000000' }),
  );
  await measure('peer', async (index) => {
    const response = await fetch(`${peerUrl}/api/auth/phone-number/send-otp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.0.${index}` },
      body: JSON.stringify({ phoneNumber: phoneNumber(blocks.roundTrips, PEER_OFFSET + index) }),
    });
    if (!response.ok) throw new Error(`the peer answered ${response.status}`);
    await response.arrayBuffer();
  });
  monitor.disconnect();
  monitorClient.disconnect();

  const per = (name, lua) =>
    Number((seen[name].filter((entry) => entry.lua === lua).length / ROUND_TRIP_SAMPLES).toFixed(2));
  const breakdown = (name) => {
    const counts = {};
    for (const entry of seen[name].filter((item) => !item.lua)) {
      const label = `${entry.area} (${entry.command})`;
      counts[label] = (counts[label] ?? 0) + 1;
    }
    return Object.fromEntries(
      Object.entries(counts).map(([command, count]) => [command, count / ROUND_TRIP_SAMPLES]),
    );
  };
  return {
    start: per('start', false),
    check: per('check', false),
    ping: per('ping', false),
    peer_start: per('peer', false),
    commands_inside_lua: { start: per('start', true), check: per('check', true) },
    by_area: {
      ping: breakdown('ping'),
      start: breakdown('start'),
      check: breakdown('check'),
      peer_start: breakdown('peer'),
    },
    samples: ROUND_TRIP_SAMPLES,
    method: 'MONITOR, commands carrying this run prefix, averaged over sequential requests',
  };
}

/** The server's operator call histogram: how many calls, and seconds spent waiting on them. */
/**
 * What a start leaves for its approval (the risk's operator facts): sequential verifications
 * completed with the right code from the dev inbox, the operator calls each check made and its
 * time. Not load: the check phases above send wrong codes, which approve nothing.
 */
async function approvalCost(url) {
  let calls = 0;
  const times = [];
  for (let index = 0; index < APPROVAL_SAMPLES; index += 1) {
    const phone = phoneNumber(blocks.silent, APPROVAL_OFFSET + index);
    const view = await trpc(url, 'verification.start', { siteKey: SITE_KEY, phone, connection: 'wifi' });
    const inbox = await fetch(`${url}/dev/inbox?to=${encodeURIComponent(phone)}`).then((r) => r.json());
    const code = /(\d{4,10})/.exec(inbox.messages[0]?.body ?? '')?.[1];
    const before = await operatorCalls(url);
    const t0 = performance.now();
    const checked = await trpc(url, 'verification.check', {
      siteKey: SITE_KEY,
      verificationId: view.verificationId,
      code,
    });
    times.push(performance.now() - t0);
    calls += (await operatorCalls(url)).count - before.count;
    if (checked.status !== 'approved') return { note: `a right code answered ${checked.status}` };
  }
  times.sort((a, b) => a - b);
  return {
    samples: APPROVAL_SAMPLES,
    operator_calls_per_approval: Number((calls / APPROVAL_SAMPLES).toFixed(2)),
    check_p50_ms: Number(times[Math.floor(APPROVAL_SAMPLES / 2)].toFixed(2)),
  };
}

async function operatorCalls(url) {
  const text = await metricsText(url);
  return {
    count: metricSum(text, 'proofline_operator_call_seconds_count'),
    sum: metricSum(text, 'proofline_operator_call_seconds_sum'),
  };
}

/** The peer's keys (under `peer:`): its verification values, and its rate-limit counters (`ip|path`). */
function peerAreaOf(key) {
  return key.startsWith('peer:verification:') ? 'better-auth verification' : 'better-auth rate limit';
}

/** Which part of Proofline a key belongs to, from the key layouts of the domains. */
function areaOf(key) {
  if (key.startsWith('site:')) return 'site settings';
  if (key.startsWith('ver:')) return 'verification';
  if (key.startsWith('fraud:')) return 'fraud';
  if (key.startsWith('siteverify') || key.startsWith('token')) return 'tokens';
  return `other:${key.split(/[:{]/)[0]}`;
}

/**
 * The silent flow end to end as the widget drives it (start → operator authorize → callback), minus
 * the time spent in the operator: the authorize hop and the server's own operator calls (its
 * `proofline_operator_call_seconds` histogram). What is left is Proofline's own work.
 */
async function silentOverhead(url, operatorUrl) {
  const device = (phone) =>
    fetch(`${operatorUrl}/device`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone }),
    });
  const probe = await device(phoneNumber(blocks.silent, 0)).catch(() => null);
  if (!probe?.ok) return { p50: null, p99: null, note: 'the sandbox operator did not take the device' };

  const overheads = [];
  const operatorTimes = [];
  for (let index = 0; index < SILENT_SAMPLES; index += 1) {
    const phone = phoneNumber(blocks.silent, index);
    await device(phone);
    const operatorBefore = metricSum(await metricsText(url), 'proofline_operator_call_seconds_sum');
    const t0 = performance.now();
    const view = await trpc(url, 'verification.start', { siteKey: SITE_KEY, phone, connection: 'cellular' });
    if (!view.silent?.authUrl) {
      return {
        p50: null,
        p99: null,
        note: `verification.start offered no silent step (method ${view.method})`,
      };
    }
    let hop = 0;
    let next = new URL(view.silent.authUrl, url).toString();
    let status = view.status;
    // Follow the redirect chain by hand, timing the operator's hops apart from the server's callback.
    for (let step = 0; step < 10 && next; step += 1) {
      const h0 = performance.now();
      const response = await fetch(next, { redirect: 'manual', headers: { origin: ORIGIN } });
      const isCallback = new URL(next).pathname.startsWith('/v1/silent/callback');
      if (!isCallback) hop += performance.now() - h0;
      const location = response.headers.get('location');
      await response.arrayBuffer();
      next = location && !isCallback ? new URL(location, next).toString() : null;
    }
    for (let poll = 0; poll < 50 && status === 'pending'; poll += 1) {
      status = (
        await trpc(
          url,
          'verification.get',
          { siteKey: SITE_KEY, verificationId: view.verificationId },
          { method: 'GET' },
        )
      ).status;
    }
    const total = performance.now() - t0;
    if (status !== 'approved')
      return { p50: null, p99: null, note: `the silent flow ended ${status}, not approved` };
    const operatorCalls =
      (metricSum(await metricsText(url), 'proofline_operator_call_seconds_sum') - operatorBefore) * 1000;
    overheads.push(total - hop - operatorCalls);
    operatorTimes.push(hop + operatorCalls);
  }
  const sorted = (values) => values.slice().sort((a, b) => a - b);
  const at = (values, q) =>
    Number(sorted(values)[Math.min(values.length - 1, Math.floor(q * values.length))].toFixed(2));
  return {
    p50: at(overheads, 0.5),
    p99: at(overheads, 0.99),
    operator_p50_ms: at(operatorTimes, 0.5),
    samples: SILENT_SAMPLES,
  };
}

/** The installed better-auth (its package.json is not exported, so it is read from disk). */
function peerVersion() {
  return JSON.parse(readFileSync(join(root, 'node_modules', 'better-auth', 'package.json'), 'utf8')).version;
}

async function widgetSizes() {
  const script = join(root, 'packages', 'widget', 'scripts', 'size.mjs');
  if (!existsSync(script))
    return { initial_gzip_bytes: null, country_chunk_gzip_bytes_max: null, note: 'no size script' };
  const ensure = join(root, 'packages', 'widget', 'scripts', 'ensure-built.mjs');
  if (existsSync(ensure)) await run(process.execPath, [ensure], { cwd: join(root, 'packages', 'server') });
  try {
    const { stdout } = await run(process.execPath, [script], { cwd: root });
    return JSON.parse(stdout);
  } catch (error) {
    // Exit 1 means over budget; the figures are still printed.
    if (error.stdout) return JSON.parse(error.stdout);
    return {
      initial_gzip_bytes: null,
      country_chunk_gzip_bytes_max: null,
      note: String(error.message).split('\n')[0],
    };
  }
}

function printTable(results) {
  const { http, redis_round_trips: trips, silent_overhead_ms: silent, widget } = results;
  const row = (name, phase, extra = '') =>
    `${name.padEnd(26)}${String(phase.rps).padStart(8)}${String(phase.p50_ms).padStart(9)}${String(phase.p99_ms).padStart(9)}${String(phase.non_2xx + phase.errors).padStart(8)}${String(phase.cpu_ms_per_request ?? '').padStart(9)}  ${extra}`;
  const lines = [
    '',
    `${'phase'.padEnd(26)}${'req/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}${'CPU ms'.padStart(9)}`,
    row('baseline (ping)', http.baseline),
    row('verification.start', http.start, `${Math.round(http.start.ratio_to_baseline * 100)} % of baseline`),
    row(
      'start, no operator',
      http.start_without_operator,
      `${Math.round(http.start_without_operator.ratio_to_baseline * 100)} % of baseline`,
    ),
    row(
      'start floor (no service)',
      http.start_floor,
      `${Math.round(http.start_floor.ratio_to_baseline * 100)} % of baseline; the start's own work ${http.start_without_operator.own_cpu_ms_per_request ?? 'n/a'} ms CPU, at half the baseline it would have ${http.start_without_operator.own_cpu_ms_at_half_baseline ?? 'n/a'} ms`,
    ),
    row(
      'peer: better-auth send-otp',
      http.peer_start,
      `${Math.round(http.peer_start.ratio_to_baseline * 100)} % of baseline; start without operator = ${http.start_without_operator.ratio_to_peer}× the peer (by CPU per request ${http.start_without_operator.cpu_ratio_to_peer ?? 'n/a'}×)`,
    ),
    row('verification.check', http.check, `${Math.round(http.check.ratio_to_baseline * 100)} % of baseline`),
    row(`start @ ${http.fixed_rate.target_rps} req/s`, http.fixed_rate.start),
    row(`check @ ${http.fixed_rate.target_rps} req/s`, http.fixed_rate.check),
    '',
    `operator calls per start: ${http.start.operator_calls_per_start} (${http.start.operator_ms_per_start} ms waiting on the operator); per approval: ${http.approval.operator_calls_per_approval ?? http.approval.note} (right-code check p50 ${http.approval.check_p50_ms} ms)`,
    `Redis round trips: start ${trips.start}, check ${trips.check} (ping ${trips.ping}, peer send-otp ${trips.peer_start}); inside Lua: start ${trips.commands_inside_lua.start}, check ${trips.commands_inside_lua.check}`,
    `silent flow server overhead: ${silent.p50 === null ? `n/a (${silent.note})` : `p50 ${silent.p50} ms, p99 ${silent.p99} ms`}`,
    `widget: initial ${widget.initial_gzip_bytes ?? 'n/a'} B gzip, largest country chunk ${widget.country_chunk_gzip_bytes_max ?? 'n/a'} B gzip`,
    `goals: ${Object.entries(results.goals)
      .map(([goal, met]) => `${goal} ${met ? 'yes' : 'NO'}`)
      .join(', ')}`,
    `total ${results.duration_s} s; bench/results.json written`,
    '',
  ];
  console.log(lines.join('\n'));
}
