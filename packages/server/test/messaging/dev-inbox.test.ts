import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { toRestError } from '../../src/http/errors.js';
import { devInboxRoutes } from '../../src/http/rest/dev-inbox-routes.js';
import { DevInbox, renderInboxHtml } from '../../src/messaging/index.js';
import { testMessage } from './contract.js';

describe('DevInbox', () => {
  it('keeps messages newest first with the time of the clock', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const inbox = new DevInbox({ clock });
    const first = await inbox.send(testMessage());
    clock.advance(1_000);
    await inbox.send(testMessage({ body: 'second' }));
    const { messages } = inbox.list({ to: '+447400123456' });
    expect(messages.map((stored) => stored.body)).toEqual(['second', testMessage().body]);
    expect(messages[1]).toEqual({
      id: first.providerMessageId,
      to: '+447400123456',
      channel: 'sms',
      body: testMessage().body,
      sent_at: '2026-01-01T12:00:00.000Z',
      site_key: 'pk_test_demo',
    });
    expect(first).toMatchObject({ provider: 'dev', channel: 'sms', acceptedAt: '2026-01-01T12:00:00.000Z' });
  });

  it('filters by recipient, accepting a number without + or with a decoded space', async () => {
    const inbox = new DevInbox({ clock: new ManualClock() });
    await inbox.send(testMessage({ to: '+447400123456' }));
    await inbox.send(testMessage({ to: '+33612345678' }));
    await inbox.send(testMessage({ channel: 'email', to: 'ada@example.test', subject: 'Code' }));
    expect(inbox.list({ to: '447400123456' }).messages).toHaveLength(1);
    expect(inbox.list({ to: ' 33612345678' }).messages[0]!.to).toBe('+33612345678');
    expect(inbox.list({ to: 'ADA@example.test' }).messages[0]).toMatchObject({
      channel: 'email',
      subject: 'Code',
    });
    expect(inbox.list({ to: '+10000000000' }).messages).toEqual([]);
    expect(inbox.list().messages).toHaveLength(3);
  });

  it('drops the oldest messages past its capacity', async () => {
    const inbox = new DevInbox({ clock: new ManualClock(), capacity: 3 });
    for (const body of ['1', '2', '3', '4', '5']) await inbox.send(testMessage({ body }));
    expect(inbox.list().messages.map((stored) => stored.body)).toEqual(['5', '4', '3']);
  });

  it('escapes everything it renders as HTML', () => {
    const html = renderInboxHtml(
      [
        {
          id: 'msg_1',
          to: '"><script>alert(1)</script>',
          channel: 'sms',
          body: "<img src=x onerror=alert(2)> & 'quoted'",
          sent_at: '2026-01-01T12:00:00.000Z',
          site_key: '<b>pk</b>',
        },
      ],
      { to: '"><svg onload=alert(3)>' },
    );
    expect(html).not.toMatch(/<script>|<img|<svg|<b>/);
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt; &amp; &#39;quoted&#39;');
    expect(html).toContain('value="&quot;&gt;&lt;svg onload=alert(3)&gt;"');
  });
});

describe('dev inbox routes', () => {
  const inbox = new DevInbox({ clock: new ManualClock(Date.UTC(2026, 0, 1)) });
  let app: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    app = Fastify();
    // The server's own error mapping, as the spine installs it.
    app.setErrorHandler((error, _request, reply) => {
      const mapped = toRestError(error);
      return reply.code(mapped.status).headers(mapped.headers).send(mapped.body);
    });
    await app.register(devInboxRoutes, { inbox });
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    await inbox.send(testMessage({ to: '+447400123456', body: 'for <Ada>' }));
    await inbox.send(testMessage({ to: '+33612345678', body: 'for Bob' }));
  });

  afterAll(() => app.close());

  it('answers GET /dev/inbox?to= with the messages to that number, never cached', async () => {
    const response = await fetch(`${baseUrl}/dev/inbox?to=${encodeURIComponent('+447400123456')}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { messages } = (await response.json()) as { messages: { to: string; body: string }[] };
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      to: '+447400123456',
      body: 'for <Ada>',
      channel: 'sms',
      site_key: 'pk_test_demo',
    });
  });

  it('treats an unencoded + (a space once decoded) as the same number', async () => {
    const response = await fetch(`${baseUrl}/dev/inbox?to=+33612345678`);
    const { messages } = (await response.json()) as { messages: { body: string }[] };
    expect(messages.map((stored) => stored.body)).toEqual(['for Bob']);
  });

  it('serves an escaped HTML view with a strict content security policy', async () => {
    const response = await fetch(`${baseUrl}/dev/inbox.html`);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('for &lt;Ada&gt;');
    expect(html.indexOf('for Bob')).toBeLessThan(html.indexOf('for &lt;Ada&gt;'));
  });

  it('refuses a malformed query as bad input', async () => {
    const response = await fetch(`${baseUrl}/dev/inbox?limit=-4`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('bad_request');
    expect(body.error.details[0]!.path).toBe('limit');
  });
});
