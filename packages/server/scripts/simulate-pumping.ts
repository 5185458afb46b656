/**
 * SMS-pumping attack simulation: `pnpm --filter @proofline/server simulate:pumping [--url URL]
 * [--seconds 20] [--attack-rate 20] [--users 40] [--pattern sequential|scattered]`.
 *
 * A bot walks sequential numbers of one operator network (23415) through the widget API from
 * rotating IPs and never checks a code; meanwhile real users on other networks start a
 * verification, read their code and check it. At the end the script prints what reached the
 * attacker and the real users, when the first block (prefix or network) stopped the attacker, and
 * how many real users were refused.
 *
 * Without `--url` it starts a server in this process on embedded defaults (memory store, dev inbox),
 * trusting 127.0.0.1 as a proxy so each simulated client has its own IP, and answers the network of
 * a number the way the sandbox operator's line-info does (23415 for the attacked range, the sandbox
 * default 00101 for everyone else). With `--url` it drives a running server: start that one with
 * `TRUSTED_PROXIES=127.0.0.1`; the attacked range is registered in its sandbox operator first.
 * Every loop is bounded by time and count, and talks only to the server's loopback address.
 */
import { parseArgs } from 'node:util';
import { phone as phoneNumbers } from '@proofline/shared/phone';
import { startProofline } from '../src/index.js';

const ATTACKED_NETWORK = '23415';
const DEFAULT_NETWORK = '00101';
const SITE_KEY = 'pk_test_demo';
const ORIGIN = 'http://localhost:5173';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    seconds: { type: 'string', default: '20' },
    'attack-rate': { type: 'string', default: '20' },
    users: { type: 'string', default: '40' },
    /** `sequential` walks adjacent numbers (Twilio's signature); `scattered` spreads over the network's ranges. */
    pattern: { type: 'string', default: 'sequential' },
  },
});
const seconds = Math.min(Number(args.seconds), 300);
const attackRate = Math.min(Number(args['attack-rate']), 200);
const userCount = Math.min(Number(args.users), 500);

/** The bot's targets: one range of the attacked network, walked one number at a time. */
const attackedNumbers = new Set<string>();
function attackerNumber(index: number): string {
  const number =
    args.pattern === 'scattered'
      ? `+44740${String(index % 100).padStart(2, '0')}${String((index * 7_919) % 100_000).padStart(5, '0')}`
      : `+4474009${String(10_000 + index).padStart(5, '0')}`;
  attackedNumbers.add(number);
  return number;
}

/** Real users: random valid mobile numbers outside the attacked range. */
function realUserNumber(): string {
  for (;;) {
    const candidate = `+4475${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    if (phoneNumbers.parse(candidate).ok) return candidate;
  }
}

type View = { verificationId: string; status: string; reason?: string };
type TrpcAnswer = { status: number; view?: View; code?: string };

async function trpc(base: string, path: string, input: unknown, ip: string): Promise<TrpcAnswer> {
  const response = await fetch(`${base}/trpc/${path}`, {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { result?: { data: View }; error?: { data: { code: string } } };
  return { status: response.status, view: body.result?.data, code: body.error?.data.code };
}

async function inbox(base: string, to: string): Promise<{ channel: string; body: string }[]> {
  const response = await fetch(`${base}/dev/inbox?to=${encodeURIComponent(to)}`);
  if (!response.ok) return [];
  return ((await response.json()) as { messages: { channel: string; body: string }[] }).messages;
}

function codeIn(body: string): string | null {
  return /#(\d{4,10})\s*$/.exec(body)?.[1] ?? /\b(\d{4,10})\b/.exec(body)?.[1] ?? null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const randomIp = (net: number) =>
  `${net}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

async function registerAttackedRange(base: string, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const response = await fetch(
      `${base}/sandbox/operator/subscribers/${encodeURIComponent(attackerNumber(index))}`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ network: ATTACKED_NETWORK, operator_name: 'Pumped Mobile' }),
      },
    );
    if (!response.ok) {
      console.warn(
        `the server has no sandbox operator (${response.status}): networks come from its own operator`,
      );
      return;
    }
  }
}

async function main(): Promise<void> {
  const server = args.url
    ? null
    : await startProofline({
        port: 0,
        env: { NODE_ENV: 'development', LOG_LEVEL: 'warn', TRUSTED_PROXIES: '127.0.0.1' },
        networkOf: async (e164) =>
          attackedNumbers.has(e164)
            ? { network: ATTACKED_NETWORK, operatorName: 'Pumped Mobile' }
            : { network: DEFAULT_NETWORK, operatorName: 'Proofline Sandbox Mobile' },
      });
  const base = args.url ?? server!.url;
  const attempts = Math.ceil(seconds * attackRate);
  if (args.url) await registerAttackedRange(base, attempts);

  const started = Date.now();
  const deadline = started + seconds * 1_000;
  let firstBlockedAt: number | null = null;
  let sentBeforeBlock = 0;
  const attack = { attempts: 0, pending: 0, blocked: 0, limited: 0, otherErrors: 0 };
  const users = { started: 0, approved: 0, refused: 0, blocked: 0, unchecked: 0 };
  const refusals = new Map<string, number>();

  async function attacker(): Promise<void> {
    for (let index = 0; index < attempts && Date.now() < deadline; index += 1) {
      const at = started + (index * 1_000) / attackRate;
      if (at > Date.now()) await sleep(at - Date.now());
      attack.attempts += 1;
      const answer = await trpc(
        base,
        'verification.start',
        { siteKey: SITE_KEY, phone: attackerNumber(index), channel: 'sms' },
        randomIp(10),
      );
      if (answer.view?.status === 'pending') {
        attack.pending += 1;
        if (firstBlockedAt === null) sentBeforeBlock += 1;
      } else if (answer.view?.status === 'blocked') {
        attack.blocked += 1;
        firstBlockedAt ??= Date.now();
      } else if (answer.code === 'rate_limited') attack.limited += 1;
      else attack.otherErrors += 1;
    }
  }

  async function realUser(index: number): Promise<void> {
    // Real users arrive spread over the run, each from a home IP of their own.
    await sleep((index * seconds * 1_000) / userCount);
    const ip = randomIp(172);
    const phone = realUserNumber();
    users.started += 1;
    const start = await trpc(base, 'verification.start', { siteKey: SITE_KEY, phone, channel: 'sms' }, ip);
    if (start.view?.status === 'blocked') {
      users.blocked += 1;
      return;
    }
    if (!start.view) {
      users.refused += 1;
      const reason = start.code ?? String(start.status);
      refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
      return;
    }
    await sleep(2_000 + Math.random() * 3_000);
    const [message] = await inbox(base, phone);
    const code = message ? codeIn(message.body) : null;
    if (!code) {
      users.unchecked += 1;
      return;
    }
    const check = await trpc(
      base,
      'verification.check',
      { siteKey: SITE_KEY, verificationId: start.view.verificationId, code },
      ip,
    );
    if (check.view?.status === 'approved') users.approved += 1;
    else users.unchecked += 1;
  }

  await Promise.all([attacker(), ...Array.from({ length: userCount }, (_, index) => realUser(index))]);

  const attackerMessages = { sms: 0, voice: 0, whatsapp: 0, email: 0 } as Record<string, number>;
  for (const number of attackedNumbers) {
    for (const message of await inbox(base, number))
      attackerMessages[message.channel] = (attackerMessages[message.channel] ?? 0) + 1;
  }
  const billable = (attackerMessages.sms ?? 0) + (attackerMessages.voice ?? 0);

  console.log(
    `SMS-pumping simulation against ${base} (${seconds} s, ${args.pattern} attack at ${attackRate} req/s, ${userCount} real users)`,
  );
  console.log(
    `attack:     ${attack.attempts} attempts to ${ATTACKED_NETWORK}: ${attack.pending} sent, ${attack.blocked} blocked, ${attack.limited} rate-limited, ${attack.otherErrors} other errors`,
  );
  console.log(
    `            messages delivered to attacker numbers: ${billable} SMS/voice (billable), ${attackerMessages.whatsapp ?? 0} WhatsApp`,
  );
  console.log(
    firstBlockedAt === null
      ? '            no block (prefix or network) stopped the attack'
      : `            first block (prefix or network) after ${sentBeforeBlock} messages, ${((firstBlockedAt - started) / 1_000).toFixed(2)} s after the attack began`,
  );
  console.log(
    `real users: ${users.started} started, ${users.approved} approved, ${users.blocked} wrongly blocked, ${users.refused} refused (${[...refusals].map(([code, count]) => `${code} ×${count}`).join(', ') || 'none'}), ${users.unchecked} without a code to check`,
  );

  await server?.close();
}

await main();
