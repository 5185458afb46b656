import { defaultSettings, type Settings } from '@proofline/shared';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { DeliveryError, DevInbox, type MessageSender } from '../../src/messaging/index.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { TokenIssuer } from '../../src/tokens/index.js';
import {
  createOtpCodes,
  type VerificationRecord,
  VerificationRepository,
  VerificationService,
} from '../../src/verification/index.js';
import { codeIn, wrongCode } from '../http/otp-client.js';

/**
 * The verification flow on the memory store and the manual clock: no Redis, no sleeps. Time moves
 * only when a test moves it, and a concurrent writer is a repository that changes the record once
 * between an operation's read and its write.
 */
const site: Settings = { ...defaultSettings('Acme', ['https://acme.example']), channels: ['sms', 'voice'] };
const mobile = '+447400123456';
const landline = '+442079460123';

/** A repository whose next `replace` first loses the race to another writer (`times` times). */
class RacedRepository extends VerificationRepository {
  races = 0;
  private readonly concurrent: (record: VerificationRecord) => VerificationRecord = (record) => ({
    ...record,
    flags: [...record.flags, 'concurrent'],
  });

  override async replace(...args: Parameters<VerificationRepository['replace']>) {
    if (this.races > 0) {
      this.races -= 1;
      const current = await this.load(args[1].id);
      if (current) await super.replace(current.raw, this.concurrent(current.record));
    }
    return super.replace(...args);
  }
}

async function setup(options: { messaging?: MessageSender; settings?: Settings } = {}) {
  const clock = new ManualClock();
  const inbox = new DevInbox({ clock });
  const repository = new RacedRepository(new MemoryStore(clock), 30 * 86_400_000);
  const settings = options.settings ?? site;
  const service = new VerificationService({
    repository,
    clock,
    logger: pino({ level: 'silent' }),
    codes: createOtpCodes('a-test-server-secret-of-at-least-32-chars'),
    messaging: options.messaging ?? inbox,
    tokens: await TokenIssuer.create({ issuer: 'urn:test', clock }),
    loadSettings: async () => settings,
  });
  const caller = { siteKey: 'pk_a', surface: 'api' as const, settings, ip: null };
  const codeFor = (to: string) => codeIn(inbox.list({ to }).messages[0]!.body);
  return { clock, inbox, repository, service, caller, codeFor };
}

describe('sending', () => {
  it('a start sends the first step’s code and stores only its hash', async () => {
    const { service, caller, inbox, codeFor } = await setup();
    const { record } = await service.start(caller, { phone: mobile });
    expect(record).toMatchObject({ status: 'pending', stepIndex: 0, sends: 1, line: { type: 'mobile' } });
    expect(record.steps).toEqual([expect.objectContaining({ channel: 'sms', status: 'sent', to: mobile })]);
    expect(inbox.list({ to: mobile }).messages).toHaveLength(1);
    expect(record.codeHashes).not.toContain(codeFor(mobile));
  });

  it('a landline skips the text step and gets the call', async () => {
    const { service, caller } = await setup();
    const { record } = await service.start(caller, { phone: landline });
    expect(record.steps.map((step) => [step.channel, step.status, step.reason])).toEqual([
      ['sms', 'skipped', 'line_cannot_receive'],
      ['voice', 'sent', null],
    ]);
  });

  it('a refused delivery moves on to the next step; when none is left the verification fails', async () => {
    const inbox = new DevInbox({ clock: new ManualClock() });
    const refusingSms: MessageSender = {
      async send(message) {
        if (message.channel === 'sms')
          throw new DeliveryError({ code: 'rejected', provider: 'none', retryable: false, message: 'no' });
        return inbox.send(message);
      },
    };
    const { service, caller } = await setup({ messaging: refusingSms });
    const { record } = await service.start(caller, { phone: mobile });
    expect(record.steps.map((step) => [step.channel, step.status])).toEqual([
      ['sms', 'failed'],
      ['voice', 'sent'],
    ]);
    const smsOnly = await service.start({ ...caller, siteKey: 'pk_b' }, { phone: mobile, channel: 'sms' });
    expect(smsOnly.record).toMatchObject({ status: 'failed', reason: 'delivery_failed' });
  });

  it('after the step timeout a read begins the next step; both codes stay good', async () => {
    const { service, caller, clock, inbox } = await setup();
    const { record } = await service.start(caller, { phone: mobile });
    clock.advance(59_999);
    expect((await service.get(caller, record.id)).record.stepIndex).toBe(0);
    clock.advance(1);
    const next = await service.get(caller, record.id);
    expect(next.record.steps.map((step) => [step.channel, step.status])).toEqual([
      ['sms', 'timed_out'],
      ['voice', 'sent'],
    ]);
    expect(next.record.codeHashes).toHaveLength(2);
    const first = codeIn(inbox.list({ to: mobile }).messages.at(-1)!.body);
    expect((await service.check(caller, { verificationId: record.id }, first)).record.status).toBe(
      'approved',
    );
  });

  it('a resend waits for the cooldown, then replaces the code', async () => {
    const { service, caller, clock } = await setup();
    const { record } = await service.start(caller, { phone: mobile, channel: 'sms' });
    await expect(service.resend(caller, record.id)).rejects.toMatchObject({ code: 'resend_cooldown' });
    clock.advance(site.resend_cooldown_seconds * 1000);
    const resent = await service.resend(caller, record.id);
    expect(resent.record.steps.map((step) => step.status)).toEqual(['replaced', 'sent']);
    expect(resent.record.sends).toBe(2);
  });
});

describe('check outcomes', () => {
  it('the right code approves once, with a result token; a wrong one counts an attempt', async () => {
    const { service, caller, codeFor } = await setup();
    const { record } = await service.start(caller, { phone: mobile });
    const target = { verificationId: record.id };
    const wrong = await service.check(caller, target, wrongCode(codeFor(mobile)));
    expect(wrong).toMatchObject({ attempts: 1, record: { status: 'pending' } });
    const right = await service.check(caller, target, codeFor(mobile));
    expect(right.record.status).toBe('approved');
    expect(right.token).toEqual(expect.any(String));
    const again = await service.check(caller, target, codeFor(mobile));
    expect(again.token).toBeUndefined();
  });

  it('the last wrong attempt ends it max_attempts_reached; a code after expiry ends it expired', async () => {
    const { service, caller, clock, codeFor } = await setup();
    const { record } = await service.start(caller, { phone: mobile });
    const wrong = wrongCode(codeFor(mobile));
    let state = await service.check(caller, { verificationId: record.id }, wrong);
    for (let attempt = 2; attempt <= site.max_otp_attempts; attempt++)
      state = await service.check(caller, { verificationId: record.id }, wrong);
    expect(state.record).toMatchObject({
      status: 'max_attempts_reached',
      attemptsAtFinal: site.max_otp_attempts,
    });

    const later = await service.start({ ...caller, siteKey: 'pk_b' }, { phone: mobile });
    clock.advance(site.otp_expiry_minutes * 60_000);
    const late = await service.check(
      { ...caller, siteKey: 'pk_b' },
      { verificationId: later.record.id },
      '123456',
    );
    expect(late.record.status).toBe('expired');
  });
});

describe('retry on conflict', () => {
  it('a check that loses its approval to a concurrent write reads again and approves the new record', async () => {
    const { service, caller, repository, codeFor } = await setup();
    const { record } = await service.start(caller, { phone: mobile });
    repository.races = 1;
    const approved = await service.check(caller, { verificationId: record.id }, codeFor(mobile));
    expect(approved.record).toMatchObject({ status: 'approved', flags: ['concurrent'] });
    expect(repository.races).toBe(0);
  });

  it('cancel and resend start over after a lost race, keeping the other writer’s change', async () => {
    const { service, caller, repository, clock } = await setup();
    const { record } = await service.start(caller, { phone: mobile });
    clock.advance(site.resend_cooldown_seconds * 1000);
    repository.races = 2;
    const resent = await service.resend(caller, record.id);
    expect(resent.record).toMatchObject({ sends: 2, flags: ['concurrent', 'concurrent'] });
    repository.races = 1;
    const canceled = await service.cancel(caller, record.id);
    expect(canceled.record).toMatchObject({
      status: 'canceled',
      flags: ['concurrent', 'concurrent', 'concurrent'],
    });
  });

  it('past eight lost races the operation answers service_unavailable and writes nothing', async () => {
    const { service, caller, repository } = await setup();
    const { record } = await service.start(caller, { phone: mobile });
    repository.races = 8;
    await expect(service.cancel(caller, record.id)).rejects.toMatchObject({ code: 'service_unavailable' });
    expect((await service.get(caller, record.id)).record.status).toBe('pending');
  });
});
