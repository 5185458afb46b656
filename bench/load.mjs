// The load generator: one autocannon run against a running server, in its own process so that
// the load it makes does not share an event loop (or a CPU) with the server it measures.
// Reads a scenario as JSON on stdin, prints autocannon's figures as one JSON line on stdout.
import { text } from 'node:stream/consumers';
import autocannon from 'autocannon';
import { phoneNumber } from './phones.mjs';

const scenario = JSON.parse(await text(process.stdin));
const { url, kind, durationSeconds, connections, overallRate, siteKey, origin } = scenario;

// A client IP per request (the server trusts 127.0.0.1 as its proxy): load from one machine must
// not read as one abusive IP to the per-IP limits.
let sequence = 0;
const forwardedFor = () => {
  const n = sequence++;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

const headers = () => ({
  'content-type': 'application/json',
  origin,
  'x-forwarded-for': forwardedFor(),
});

const requests = {
  // The no-op procedure: the same server stack (Fastify, CORS, tRPC) with no domain work.
  ping: () => [
    { method: 'GET', path: '/trpc/ping', setupRequest: (request) => ({ ...request, headers: headers() }) },
  ],
  // Every start a new number, so each one does the full work: claim, store, send. On Wi-Fi (as
  // the widget reports it), so the first step is an OTP; the silent flow is measured on its own.
  start: () => {
    let next = scenario.phoneOffset ?? 0;
    return [
      {
        method: 'POST',
        path: '/trpc/verification.start',
        setupRequest: (request) => ({
          ...request,
          headers: headers(),
          body: JSON.stringify({
            siteKey,
            phone: phoneNumber(scenario.phoneBlock, next++),
            connection: 'wifi',
          }),
        }),
      },
    ];
  },
  // The peer's start: better-auth's phone-number plugin sending an OTP to a new number each time,
  // with the same client IP per request as Proofline's start (no Origin: it is not a browser widget).
  peer: () => {
    let next = scenario.phoneOffset ?? 0;
    return [
      {
        method: 'POST',
        path: '/api/auth/phone-number/send-otp',
        setupRequest: (request) => ({
          ...request,
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor() },
          body: JSON.stringify({ phoneNumber: phoneNumber(scenario.phoneBlock, next++) }),
        }),
      },
    ];
  },
  // Wrong codes spread round-robin over verifications made beforehand: each check is a counted attempt.
  check: () => {
    let next = 0;
    const ids = scenario.verificationIds;
    return [
      {
        method: 'POST',
        path: '/trpc/verification.check',
        setupRequest: (request) => ({
          ...request,
          headers: headers(),
          body: JSON.stringify({ siteKey, verificationId: ids[next++ % ids.length], code: '000000' }),
        }),
      },
    ];
  },
};

const result = await autocannon({
  url,
  connections,
  duration: durationSeconds,
  ...(overallRate ? { overallRate } : {}),
  requests: requests[kind](),
});

const seconds = result.duration || durationSeconds;
process.stdout.write(
  `${JSON.stringify({
    kind,
    rps: Math.round(result.requests.total / seconds),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    status_codes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count]),
    ),
    connections,
    duration_s: Number(seconds.toFixed(2)),
    ...(overallRate ? { target_rps: overallRate } : {}),
  })}\n`,
);
