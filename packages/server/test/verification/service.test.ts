import { connect } from 'node:net';
import { defaultSettings } from '@proofline/shared';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { FraudGuard } from '../../src/fraud/index.js';
import { DevInbox } from '../../src/messaging/index.js';
import { keyedHash } from '../../src/privacy/index.js';
import { createRedisStore, type RedisStore } from '../../src/store/redis/index.js';
import { TokenIssuer } from '../../src/tokens/index.js';
import {
  createOtpCodes,
  type OtpCodes,
  VerificationRepository,
  VerificationService,
} from '../../src/verification/index.js';
import { codeIn, uniqueMobile, wrongCode } from '../http/otp-client.js';
import { REDIS_URL, testKeyPrefix } from '../support/server.js';

/** The domain on the real Redis: how many comparisons and how many Redis commands each operation costs. */
const prefix = testKeyPrefix();
const clock = new ManualClock();
const inbox = new DevInbox({ clock });
const settings = defaultSettings('Acme', ['https://acme.example']);
let store: RedisStore;
let comparisons = 0;
let service: VerificationService;

beforeAll(async () => {
  store = createRedisStore({ url: REDIS_URL, keyPrefix: prefix });
  const codes = createOtpCodes('a-test-server-secret-of-at-least-32-chars');
  const counting: OtpCodes = {
    ...codes,
    matches: (...args) => {
      comparisons += 1;
      return codes.matches(...args);
    },
  };
  service = new VerificationService({
    repository: new VerificationRepository(store, 30 * 86_400_000),
    clock,
    logger: pino({ level: 'silent' }),
    codes: counting,
    messaging: inbox,
    tokens: await TokenIssuer.create({ issuer: 'urn:test', clock }),
    loadSettings: async () => settings,
  });
});
afterAll(() => store.close());

const caller = {
  siteKey: 'pk_test_demo',
  surface: 'widget' as const,
  settings,
  ip: '127.0.0.1',
  hostname: 'acme.example',
};

async function started() {
  const phone = uniqueMobile();
  const state = await service.start(caller, { phone, channel: 'sms' });
  const [message] = inbox.list({ to: phone }).messages;
  return { id: state.record.id, code: codeIn(message!.body) };
}

describe('attempts are counted before comparing', () => {
  it('20 concurrent wrong guesses make at most 5 comparisons', async () => {
    const { id, code } = await started();
    comparisons = 0;
    const states = await Promise.all(
      Array.from({ length: 20 }, () => service.check(caller, { verificationId: id }, wrongCode(code))),
    );
    expect(comparisons).toBeLessThanOrEqual(5);
    expect(states.some((state) => state.record.status === 'approved')).toBe(false);
    expect((await service.get(caller, id)).record.status).toBe('max_attempts_reached');
  });

  it('the right code of one verification does not open another of the same number', async () => {
    const phone = uniqueMobile();
    const first = await service.start({ ...caller, siteKey: 'pk_a' }, { phone, channel: 'sms' });
    const second = await service.start({ ...caller, siteKey: 'pk_b' }, { phone, channel: 'sms' });
    const [latest] = inbox.list({ to: phone }).messages;
    const code = codeIn(latest!.body);
    const wrongOne = await service.check(
      { ...caller, siteKey: 'pk_a' },
      { verificationId: first.record.id },
      code,
    );
    expect(wrongOne.record.status).toBe('pending');
    const rightOne = await service.check(
      { ...caller, siteKey: 'pk_b' },
      { verificationId: second.record.id },
      code,
    );
    expect(rightOne.record.status).toBe('approved');
    await expect(service.get(caller, second.record.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('stores no code in clear', async () => {
    const { id, code } = await started();
    const raw = await store.get(`ver:{${id}}`);
    expect(raw).not.toBeNull();
    expect(raw).not.toContain(code);
  });
});

describe('Redis commands per operation (MONITOR, script-internal commands left out)', () => {
  it('start ≤ 2 (live slot + record), a wrong check 1, a get 1', async () => {
    const monitor = await watchCommands(prefix);
    const seen = monitor.seen;
    const measure = async (work: () => Promise<unknown>) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen.length = 0;
      await work();
      await new Promise((resolve) => setTimeout(resolve, 50));
      return seen.map((args) => args[0]!.toLowerCase());
    };
    try {
      const phone = uniqueMobile();
      let id = '';
      const start = await measure(async () => {
        id = (await service.start(caller, { phone, channel: 'sms' })).record.id;
      });
      const wrong = await measure(() => service.check(caller, { verificationId: id }, '000000'));
      const get = await measure(() => service.get(caller, id));
      const startAgain = await measure(() => service.start(caller, { phone, channel: 'sms' }));
      console.info(
        `redis commands: start ${start.length} (${start}), wrong check ${wrong.length} (${wrong}), get ${get.length}, start again ${startAgain.length}`,
      );
      expect(start.length).toBeLessThanOrEqual(2);
      expect(wrong.length).toBe(1);
      expect(get.length).toBe(1);
      expect(startAgain.length).toBeLessThanOrEqual(2);
    } finally {
      monitor.close();
    }
  });
});

describe('a check with the fraud guard: one Redis round trip, the wrong-code counter included', () => {
  let guarded: VerificationService;
  let fraud: FraudGuard;
  const wrongCodes = (phone: string) =>
    store.get(fraud.wrongCodeCounter.keyOf(caller.siteKey, phone)).then((count) => Number(count ?? 0));

  beforeAll(async () => {
    fraud = new FraudGuard({
      store,
      clock,
      numberKey: keyedHash('a-test-server-secret-of-at-least-32-chars'),
      networkOf: async () => null,
    });
    guarded = new VerificationService({
      repository: new VerificationRepository(store, 30 * 86_400_000),
      clock,
      logger: pino({ level: 'silent' }),
      codes: createOtpCodes('a-test-server-secret-of-at-least-32-chars'),
      messaging: inbox,
      tokens: await TokenIssuer.create({ issuer: 'urn:test', clock }),
      loadSettings: async () => settings,
      sendGuard: fraud,
    });
  });

  it('a wrong code is 1 command and counts on the number; a right one is 1 before the approval is written', async () => {
    const monitor = await watchCommands(prefix);
    try {
      const phone = uniqueMobile();
      const id = (await guarded.start(caller, { phone, channel: 'sms' })).record.id;
      const code = codeIn(inbox.list({ to: phone }).messages[0]!.body);
      const wrong = await commandsOf(monitor.seen, () =>
        guarded.check(caller, { verificationId: id }, wrongCode(code)),
      );
      expect(await wrongCodes(phone)).toBe(1);
      let approved = '';
      const right = await commandsOf(monitor.seen, async () => {
        approved = (await guarded.check(caller, { verificationId: id }, code)).record.status;
      });
      const named = (commands: string[][]) => commands.map((args) => keysOf(args).join(' '));
      console.info(
        `redis commands with the fraud guard: wrong check ${wrong.length} (${named(wrong)}), right check ${right.length} (${named(right)})`,
      );
      expect(approved).toBe('approved');
      expect(wrong).toHaveLength(1);
      // The right code: the same one step decides (no read of the number's counter of its own);
      // what follows writes the approval (the record's compare-and-set, the pumping evidence).
      expect(keysOf(right[0]!)).toEqual(keysOf(wrong[0]!));
      const counterKey = `${prefix}${fraud.wrongCodeCounter.keyOf(caller.siteKey, phone)}`;
      expect(right.slice(1).flatMap(keysOf)).not.toContain(counterKey);
      expect(right.slice(1).flatMap(keysOf)).not.toContain(`${prefix}ver:{${id}}:attempts`);
      expect(await wrongCodes(phone)).toBe(1);
    } finally {
      monitor.close();
    }
  });

  it('a record of an earlier release (no counter named) is checked in two steps, counting alike', async () => {
    const monitor = await watchCommands(prefix);
    try {
      const phone = uniqueMobile();
      const id = (await guarded.start(caller, { phone, channel: 'sms' })).record.id;
      const raw = (await store.get(`ver:{${id}}`))!;
      const { wrongCodesKey, ...earlier } = JSON.parse(raw) as Record<string, unknown>;
      expect(wrongCodesKey).toEqual(expect.stringContaining('wrong-codes'));
      await store.set(`ver:{${id}}`, JSON.stringify(earlier));
      const wrong = await commandsOf(monitor.seen, () =>
        guarded.check(caller, { verificationId: id }, '000000'),
      );
      expect(wrong).toHaveLength(2);
      expect(await wrongCodes(phone)).toBe(1);
    } finally {
      monitor.close();
    }
  });

  it('past the cap no code approves, whichever verification of the number the wrong codes went to', async () => {
    const phone = uniqueMobile();
    const max = fraud.policy.wrongCodes.max;
    const first = (await guarded.start(caller, { phone, channel: 'sms' })).record.id;
    const second = (await guarded.start(caller, { phone, channel: 'sms' })).record.id;
    const code = codeIn(inbox.list({ to: phone }).messages[0]!.body);
    await store.increment(fraud.wrongCodeCounter.keyOf(caller.siteKey, phone), max - 1, 86_400_000);
    expect((await guarded.check(caller, { verificationId: first }, '000000')).record.status).toBe('pending');
    await expect(guarded.check(caller, { verificationId: second }, code)).rejects.toMatchObject({
      code: 'rate_limited',
    });
    expect(await wrongCodes(phone)).toBe(max);
  });
});

/** The keys a command names (a script's KEYS; else its first argument), without its values. */
function keysOf(args: string[]): string[] {
  const command = args[0]!.toLowerCase();
  if (command === 'eval' || command === 'evalsha') return args.slice(3, 3 + Number(args[2]));
  return args.slice(1, 2);
}

/** The commands `work` sends, as MONITOR saw them (after the earlier ones have drained). */
async function commandsOf(seen: string[][], work: () => Promise<unknown>): Promise<string[][]> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  seen.length = 0;
  await work();
  await new Promise((resolve) => setTimeout(resolve, 50));
  return seen.splice(0);
}

/**
 * Redis MONITOR on a raw connection: the commands clients send that touch keys under `keyPrefix`,
 * leaving out those a Lua script runs inside (`[0 lua]`), which cost no round trip.
 */
async function watchCommands(keyPrefix: string): Promise<{ seen: string[][]; close(): void }> {
  const { hostname, port } = new URL(REDIS_URL);
  const socket = connect({ host: hostname, port: Number(port || 6379) });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const seen: string[][] = [];
  let buffered = '';
  socket.on('data', (chunk) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\r\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^\+[\d.]+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
      if (!match || match[1] === 'lua' || !match[2]!.includes(keyPrefix)) continue;
      seen.push([...match[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((part) => part[1]!));
    }
  });
  socket.write('MONITOR\r\n');
  return { seen, close: () => socket.destroy() };
}
