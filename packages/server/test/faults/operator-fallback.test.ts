import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import type { RunningProofline } from '../../src/index.js';
import { startTestServer } from '../support/server.js';
import { clientOf, ORIGIN } from './client.js';

const SILENT_TIMEOUT_MS = 3_000;

/**
 * Silent verification against the embedded sandbox operator, made to fail: the user must get a
 * code on the next channel without retyping, and never wait past the silent timeout.
 */
describe('the operator failing during silent verification', () => {
  let server: RunningProofline | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function silentStart(
    phone: string,
    options: { clock?: ManualClock; env?: Record<string, string> } = {},
  ) {
    server = await startTestServer({
      ...(options.clock ? { clock: options.clock } : {}),
      env: { SILENT_TIMEOUT_MS: String(SILENT_TIMEOUT_MS), OPERATOR_TIMEOUT_MS: '300', ...options.env },
    });
    const api = clientOf(server.url);
    const admin = (path: string, body: unknown) =>
      api.call(`/sandbox/operator/${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await admin('device', { phone })).status).toBe(200);
    const started = await api.start(phone, { connection: 'cellular' });
    const view = started.body.result.data;
    expect(view).toMatchObject({ status: 'pending', method: 'silent' });
    expect(view.silent.authUrl).toEqual(expect.any(String));
    return { api, admin, view };
  }

  /** What the widget's no-cors fetch does: follows the operator's redirects to our callback. */
  async function followAuthUrl(authUrl: string, deadlineMs: number) {
    let next: string | null = new URL(authUrl, server!.url).toString();
    let last: Response | undefined;
    for (let hop = 0; next && hop < 10; hop += 1) {
      last = await fetch(next, {
        redirect: 'manual',
        headers: { origin: ORIGIN },
        signal: AbortSignal.timeout(deadlineMs),
      });
      const location = last.headers.get('location');
      next = location ? new URL(location, next).toString() : null;
    }
    return last!;
  }

  it('answering 503: the callback falls back to SMS at once', async () => {
    const phone = '+447400700001';
    const { api, admin, view } = await silentStart(phone);
    expect((await admin('faults', { status: 503 })).status).toBe(200);

    const callback = await followAuthUrl(view.silent.authUrl, SILENT_TIMEOUT_MS);
    expect(callback.status).toBeLessThan(500);
    const after = (await api.get(view.verificationId)).body.result.data;
    expect(after).toMatchObject({ status: 'pending', method: 'otp', channel: 'sms' });
    const [message] = await api.inbox(phone);
    expect(message?.channel).toBe('sms');
    expect((await api.check(view.verificationId, await api.code(phone))).body.result.data.status).toBe(
      'approved',
    );
  });

  it('timing out (slower than OPERATOR_TIMEOUT_MS): falls back to SMS within the silent timeout', async () => {
    const phone = '+447400700002';
    const { api, admin, view } = await silentStart(phone);
    // Every operator answer now takes 1 s; our calls to it give up after 300 ms.
    expect((await admin('latency', { ms: 1_000 })).status).toBe(200);

    // The authorize hop is the device talking to the operator (slow); our callback must still
    // have moved on before the silent timeout is over.
    const callback = await followAuthUrl(view.silent.authUrl, SILENT_TIMEOUT_MS);
    expect(callback.status).toBeLessThan(500);
    const after = (await api.get(view.verificationId)).body.result.data;
    expect(after).toMatchObject({ status: 'pending', method: 'otp', channel: 'sms' });
    expect((await api.inbox(phone))[0]?.channel).toBe('sms');
    await admin('latency', { ms: 0 });
  });

  it('never coming back (no callback): the next read after the silent timeout sends the SMS', async () => {
    const clock = new ManualClock(Date.now());
    const phone = '+447400700003';
    const { api, view } = await silentStart(phone, { clock });

    clock.advance(SILENT_TIMEOUT_MS - 1);
    expect((await api.get(view.verificationId)).body.result.data).toMatchObject({ method: 'silent' });
    expect(await api.inbox(phone)).toEqual([]);

    clock.advance(1);
    const after = (await api.get(view.verificationId)).body.result.data;
    expect(after).toMatchObject({ status: 'pending', method: 'otp', channel: 'sms' });
    expect((await api.inbox(phone))[0]?.channel).toBe('sms');
  });
});
