import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SilentStartOutput, VerificationRecordView } from '@proofline/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { hashPhoneNumber } from '../../src/operator/index.js';
import { type RunningSandboxOperator, startSandboxOperator } from '../../src/operator/sandbox/index.js';
import { RELAXED_FRAUD_POLICY, uniqueMobile } from '../http/otp-client.js';
import { restClient } from '../support/http-client.js';
import { startTestServer } from '../support/server.js';

/**
 * `POST /v1/silent/start`, played as a mobile app would: the site's backend starts it, the app opens
 * `auth_url` on mobile data (the sandbox's device is on the line), the backend reads the result.
 */
/** The site's backend calling `server` (with the demo secret key unless `secret` says otherwise). */
const call = (server: RunningProofline, method: string, path: string, body?: unknown, secret?: string) =>
  restClient(server.url)(method, path, body, secret === undefined ? {} : { secret });

/** The app opening `auth_url`: follows the operator's redirects to Proofline's callback. */
async function openAsApp(
  authUrl: string,
): Promise<{ status: number; location: string | null; body: string }> {
  let next = authUrl;
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetch(next, { redirect: 'manual' });
    const location = response.headers.get('location');
    if (new URL(next).pathname === '/v1/silent/callback' || !location) {
      return { status: response.status, location, body: await response.text() };
    }
    next = new URL(location, next).toString();
  }
  throw new Error('too many redirects');
}

describe('on embedded defaults', () => {
  let server: RunningProofline;
  beforeAll(async () => {
    // A generous silent timeout: the machine may be slow, and no assertion is about time.
    server = await startTestServer({
      env: { FRAUD_POLICY: RELAXED_FRAUD_POLICY, SILENT_TIMEOUT_MS: '60000' },
    });
  });
  afterAll(() => server.close());
  const device = (phone: string | null) =>
    fetch(`${server.url}/sandbox/operator/device`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone }),
    });

  it('starts on the backend; the app on mobile data opens auth_url; the backend reads approved', async () => {
    const phone = uniqueMobile();
    const started = await call(server, 'POST', '/v1/silent/start', { phone });
    expect(started.status).toBe(200);
    const { verification_id, auth_url, expires_at } = SilentStartOutput.parse(started.body);
    expect(new URL(auth_url).pathname).toBe('/sandbox/operator/authorize');
    expect(Date.parse(expires_at)).toBeGreaterThan(Date.now());
    const pending = await call(server, 'GET', `/v1/verifications/${verification_id}`);
    expect(pending.body).toMatchObject({ status: 'pending', method: 'silent', channel: null });

    expect((await device(phone)).status).toBe(200);
    const callback = await openAsApp(auth_url);
    expect(callback.status).toBe(200);
    expect(JSON.parse(callback.body)).toEqual({ verification_id, status: 'approved', method: 'silent' });

    const result = VerificationRecordView.parse(
      (await call(server, 'GET', `/v1/verifications/${verification_id}`)).body,
    );
    expect(result).toMatchObject({ verification_id, status: 'approved', method: 'silent', phone });
    expect(
      (await fetch(`${server.url}/dev/inbox?to=${encodeURIComponent(phone)}`).then((r) =>
        r.json(),
      )) as unknown,
    ).toEqual({
      messages: [],
    });
  });

  it('a silent approval reports the SIM change the start left for it, like a code would', async () => {
    const phone = uniqueMobile();
    const changed = await fetch(`${server.url}/sandbox/operator/subscribers/${encodeURIComponent(phone)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sim_changed_at: new Date(Date.now() - 86_400_000).toISOString() }),
    });
    expect(changed.status).toBe(200);
    const started = await call(server, 'POST', '/v1/silent/start', { phone });
    const { verification_id, auth_url } = SilentStartOutput.parse(started.body);
    const pending = VerificationRecordView.parse(
      (await call(server, 'GET', `/v1/verifications/${verification_id}`)).body,
    );
    expect(pending.flags).not.toContain('sim_swap');

    expect((await device(phone)).status).toBe(200);
    expect((await openAsApp(auth_url)).status).toBe(200);
    const approved = VerificationRecordView.parse(
      (await call(server, 'GET', `/v1/verifications/${verification_id}`)).body,
    );
    expect(approved).toMatchObject({ status: 'approved', method: 'silent' });
    expect(approved.flags).toContain('sim_swap');
    expect(approved.risk?.factors.map((factor) => factor.factor)).toContain('recent_sim_swap');
  });

  it('ends failed, without sending any code, when the device is on another line; return_url brings the app back', async () => {
    const phone = uniqueMobile();
    const started = await call(server, 'POST', '/v1/silent/start', {
      phone,
      return_url: 'http://localhost:5173/app/done',
    });
    expect(started.status).toBe(200);
    await device(uniqueMobile());
    const callback = await openAsApp(started.body.auth_url);
    expect(callback.status).toBe(303);
    expect(callback.location).toBe(
      `http://localhost:5173/app/done#proofline_verification=${started.body.verification_id}`,
    );
    const result = await call(server, 'GET', `/v1/verifications/${started.body.verification_id}`);
    expect(result.body).toMatchObject({ status: 'failed', method: 'silent' });
    expect(
      (
        (await fetch(`${server.url}/dev/inbox?to=${encodeURIComponent(phone)}`).then((r) => r.json())) as {
          messages: unknown[];
        }
      ).messages,
    ).toEqual([]);
  });

  it('refuses bad input, foreign return URLs and the public key', async () => {
    const cases: [unknown, number, string][] = [
      [{}, 400, 'bad_request'],
      [{ phone: '12' }, 400, 'invalid_phone'],
      [{ phone: uniqueMobile(), return_url: 'https://evil.example/steal' }, 400, 'bad_request'],
      [{ phone: uniqueMobile(), return_url: 'not a url' }, 400, 'bad_request'],
      [{ phone: uniqueMobile(), channel: 'sms' }, 400, 'bad_request'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await call(server, 'POST', '/v1/silent/start', body);
      expect([JSON.stringify(body), answer.status, answer.body.error.code]).toEqual([
        JSON.stringify(body),
        status,
        code,
      ]);
    }
    const publicKey = await call(
      server,
      'POST',
      '/v1/silent/start',
      { phone: uniqueMobile() },
      'pk_test_demo',
    );
    expect(publicKey.status).toBe(401);
  });

  it('is refused when the site turned silent verification off', async () => {
    await call(server, 'PUT', '/v1/settings/phone-verification', { silent: false });
    const refused = await call(server, 'POST', '/v1/silent/start', { phone: uniqueMobile() });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'channel_not_allowed']);
    await call(server, 'PUT', '/v1/settings/phone-verification', { silent: true });
  });
});

describe('OPERATOR_HASHED_PHONE=true', () => {
  let operator: RunningSandboxOperator;
  let proxy: Server;
  let server: RunningProofline;
  /** Number Verification bodies as they reached the operator. */
  const verifyBodies: unknown[] = [];

  beforeAll(async () => {
    operator = await startSandboxOperator();
    // Sees what Proofline sends the operator, and passes everything on unchanged.
    proxy = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        const body = Buffer.concat(chunks);
        if (request.url?.endsWith('/number-verification/v2/verify'))
          verifyBodies.push(JSON.parse(body.toString()));
        const headers = Object.fromEntries(
          Object.entries(request.headers).filter(
            ([name]) => !['host', 'connection', 'content-length'].includes(name),
          ),
        ) as Record<string, string>;
        const upstream = await fetch(`${new URL(operator.baseUrl).origin}${request.url}`, {
          method: request.method ?? 'GET',
          headers,
          ...(body.length > 0 ? { body } : {}),
          redirect: 'manual',
        });
        const passed = Object.fromEntries(
          [...upstream.headers].filter(
            ([name]) =>
              !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name),
          ),
        );
        response.writeHead(upstream.status, passed).end(Buffer.from(await upstream.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as AddressInfo;
    server = await startTestServer({
      env: {
        ENABLE_SANDBOX: 'false',
        FRAUD_POLICY: RELAXED_FRAUD_POLICY,
        OPERATOR_BASE_URL: `http://127.0.0.1:${port}/sandbox/operator`,
        OPERATOR_CLIENT_ID: 'sandbox-client',
        OPERATOR_CLIENT_SECRET: 'sandbox-secret',
        OPERATOR_HASHED_PHONE: 'true',
        SILENT_TIMEOUT_MS: '60000',
      },
    });
  });
  afterAll(async () => {
    await server.close();
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await operator.close();
  });

  it('sends hashedPhoneNumber (SHA-256 hex of the E.164 number), never the number, and is approved', async () => {
    const phone = uniqueMobile();
    await fetch(`${operator.baseUrl}/device`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone }),
    });
    const started = await call(server, 'POST', '/v1/silent/start', { phone });
    expect(started.status).toBe(200);
    const callback = await openAsApp(started.body.auth_url);
    expect(JSON.parse(callback.body)).toMatchObject({ status: 'approved', method: 'silent' });
    expect(verifyBodies).toEqual([{ hashedPhoneNumber: hashPhoneNumber(phone) }]);
    // CAMARA's definition: SHA-256, hex, of the E.164 number with its +.
    expect(hashPhoneNumber('+447400123456')).toBe(
      '42665f0be57cc01155844c5bf6ed208c2a32f8da144a949a2f7b69f007810eb6',
    );
  });
});
