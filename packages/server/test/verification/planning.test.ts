import { defaultSettings, type Settings } from '@proofline/shared';
import { describe, expect, it } from 'vitest';
import {
  type Capabilities,
  decidedWorkflow,
  newRecord,
  planWorkflow,
  resendTarget,
} from '../../src/verification/planning.js';

/** Workflow planning is pure: the request, the site's settings and the record in, a plan out. */
const settings: Settings = {
  ...defaultSettings('Acme', ['https://acme.example']),
  channels: ['sms', 'voice'],
};
const phone = '+447400123456';
const every: Capabilities = { supports: () => true, silent: true };
const plan = (input: Parameters<typeof planWorkflow>[0], browser = true, can = every, site = settings) =>
  planWorkflow(input, site, phone, browser, can);

function recordOf(workflow: ReturnType<typeof plan>) {
  return newRecord({ siteKey: 'pk_a', surface: 'widget', ip: null }, { phone }, settings, workflow, {
    id: 'ver_planned',
    e164: phone,
    country: 'GB',
    lineType: 'mobile',
    now: 0,
    stepTimeoutMs: 60_000,
    silentTimeoutMs: 5_000,
  });
}

describe('planWorkflow', () => {
  it('a browser on mobile data starts silent, then the site’s channels; on Wi-Fi no silent step', () => {
    expect(plan({ phone }).workflow.map((step) => step.channel)).toEqual(['silent', 'sms', 'voice']);
    expect(plan({ phone, connection: 'wifi' }).workflow.map((step) => step.channel)).toEqual([
      'sms',
      'voice',
    ]);
    expect(plan({ phone }, false).workflow.map((step) => step.channel)).toEqual(['sms', 'voice']);
  });

  it('voice is never first: it moves behind the first text channel; a widget may not ask for it', () => {
    const voiceFirst: Settings = { ...settings, channels: ['voice', 'whatsapp', 'sms'] };
    const ordered = plan({ phone, connection: 'wifi' }, true, every, voiceFirst);
    expect(ordered.workflow.map((step) => step.channel)).toEqual(['whatsapp', 'voice', 'sms']);
    expect(() => plan({ phone, channel: 'voice' })).toThrow(
      expect.objectContaining({ code: 'channel_not_allowed' }),
    );
    expect(plan({ phone, channel: 'voice' }, false).workflow).toEqual([{ channel: 'voice', to: null }]);
  });

  it('a caller’s workflow: an email step needs an address, another number keeps its own `to`', () => {
    const workflow = plan({
      phone,
      workflow: [
        { channel: 'sms', to: phone },
        { channel: 'voice', to: '+447400999888' },
        { channel: 'email', to: ' Ann@Example.COM ' },
      ],
    });
    expect(workflow.workflow).toEqual([
      { channel: 'sms', to: null },
      { channel: 'voice', to: '+447400999888' },
      { channel: 'email', to: 'ann@example.com' },
    ]);
    expect(workflow.availableChannels).toEqual(['sms', 'voice', 'email']);
    expect(() => plan({ phone, workflow: [{ channel: 'email' }] })).toThrow(
      expect.objectContaining({ code: 'bad_request' }),
    );
  });

  it('channels the messaging cannot send are left out; silent-only needs silent verification', () => {
    const smsOnly: Capabilities = { supports: (channel) => channel === 'sms', silent: false };
    expect(plan({ phone }, true, smsOnly).workflow).toEqual([{ channel: 'sms', to: null }]);
    expect(() => plan({ phone, silentOnly: true }, false, smsOnly)).toThrow(
      expect.objectContaining({ code: 'channel_not_allowed' }),
    );
    expect(plan({ phone, silentOnly: true }, false).workflow).toEqual([{ channel: 'silent', to: null }]);
  });
});

describe('decidedWorkflow and resendTarget', () => {
  it('require_otp drops the silent step; send_otp puts its channel first', () => {
    const record = recordOf(plan({ phone }));
    expect(decidedWorkflow(record, { requireOtp: true }).map((step) => step.channel)).toEqual([
      'sms',
      'voice',
    ]);
    expect(decidedWorkflow(record, { channel: 'voice' }).map((step) => step.channel)).toEqual([
      'voice',
      'sms',
    ]);
    expect(decidedWorkflow(record, {})).toBe(record.workflow);
  });

  it('a resend goes to the next step, else the current one; a named channel joins the workflow', () => {
    const record = { ...recordOf(plan({ phone }, false)), stepIndex: 0 };
    expect(resendTarget(record, undefined).index).toBe(1);
    expect(resendTarget({ ...record, stepIndex: 1 }, undefined).index).toBe(1);
    expect(resendTarget(record, 'voice')).toEqual({ index: 1, workflow: record.workflow });
    expect(() => resendTarget(record, 'whatsapp')).toThrow(
      expect.objectContaining({ code: 'channel_not_allowed' }),
    );
    const withEmail = resendTarget(record, 'email', 'Ann@Example.com', {
      ...settings,
      channels: ['sms', 'email'],
    });
    expect(withEmail).toEqual({
      index: 2,
      workflow: [...record.workflow, { channel: 'email', to: 'ann@example.com' }],
    });
  });
});
