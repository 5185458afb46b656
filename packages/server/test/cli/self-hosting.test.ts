import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeProvider, sendJson, startFakeProvider } from '../messaging/fake-provider.js';
import { startRedisNode } from '../store/redis-servers.js';
import { testKeyPrefix } from '../support/server.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const script = join(root, 'docs/examples/self-hosting.sh');
const accountSid = `AC${'5'.repeat(32)}`;
const authToken = 'doc-flow-auth-token';

/** Twilio's Messages API (and the account fetch `proofline doctor` makes), on 127.0.0.1. */
async function fakeTwilio(): Promise<FakeProvider> {
  const basic = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const twilio: FakeProvider = await startFakeProvider((request, response) => {
    if (request.headers.authorization !== basic) {
      return sendJson(response, 401, { code: 20003, message: 'Authenticate', status: 401 });
    }
    if (request.method === 'GET' && request.path === `/2010-04-01/Accounts/${accountSid}.json`) {
      return sendJson(response, 200, { sid: accountSid, status: 'active' });
    }
    if (request.method === 'POST' && request.path === `/2010-04-01/Accounts/${accountSid}/Messages.json`) {
      const form = new URLSearchParams(request.body);
      return sendJson(response, 201, {
        sid: `SM${'0'.repeat(31)}${twilio.requests.length}`,
        account_sid: accountSid,
        status: 'queued',
        to: form.get('To'),
        from: form.get('From'),
      });
    }
    sendJson(response, 404, { code: 20404, message: 'Not found', status: 404 });
  });
  return twilio;
}

describe('docs/self-hosting.md: from nothing to a production start with the CLI only', () => {
  let redis: Awaited<ReturnType<typeof startRedisNode>>;
  let twilio: FakeProvider;
  let run: ChildProcess | undefined;

  beforeAll(async () => {
    redis = await startRedisNode(['--appendonly', 'yes']);
    twilio = await fakeTwilio();
  });
  afterAll(async () => {
    // The script ends in the server; its process group is stopped as a whole.
    if (run?.pid && run.exitCode === null) process.kill(-run.pid, 'SIGKILL');
    await twilio?.close();
    await redis?.close();
  });

  it('runs the documented commands and reaches a verified token', { timeout: 240_000 }, async () => {
    const configDir = await mkdtemp(join(tmpdir(), 'proofline-selfhost-'));
    run = spawn('bash', [script], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CONFIG_DIR: configDir,
        REDIS_URL: redis.url,
        PUBLIC_URL: 'https://verify.shop.example',
        TWILIO_ACCOUNT_SID: accountSid,
        TWILIO_AUTH_TOKEN: authToken,
        TWILIO_FROM: '+15005550006',
        // What the test adds to the documented environment: where the fakes are, a free port.
        TWILIO_BASE_URL: twilio.url,
        REDIS_KEY_PREFIX: testKeyPrefix(),
        PORT: '0',
        LOG_LEVEL: 'warn',
      },
    });
    let output = '';
    let errors = '';
    run.stderr!.on('data', (chunk) => {
      errors += chunk.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      run!.stdout!.on('data', (chunk) => {
        output += chunk.toString();
        const match = /proofline listening on (http:\/\/\S+)/.exec(output);
        if (match) resolve(match[1]!);
      });
      run!.once('exit', (code) => reject(new Error(`exited ${code}: ${output}\n${errors}`)));
    });

    expect(output).toContain('ready for production');
    const siteKey = /site key: +(pk_live_\w+)/.exec(output)![1]!;
    const secret = /secret key: +(sk_live_\w+)/.exec(output)![1]!;
    expect(siteKey).toBeDefined();

    const rest = async (path: string, body: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const phone = '+447400123987';
    const sent = await rest('/v1/phone/send-otp', { phone, channel: 'sms' });
    expect(sent).toMatchObject({ status: 200, body: { status: 'pending', channel: 'sms' } });
    const message = twilio.requests.find((request) => request.path.endsWith('/Messages.json'))!;
    const form = new URLSearchParams(message.body);
    expect(form.get('To')).toBe(phone);
    const code = /(\d{6})/.exec(form.get('Body') ?? '')![1]!;

    const verified = await rest('/v1/phone/verify-otp', { verification_id: sent.body.verification_id, code });
    expect(verified.body).toMatchObject({ verification_status: 'verified', token: expect.any(String) });
    const checked = await rest('/v1/siteverify', { response: verified.body.token });
    expect(checked.body).toMatchObject({ success: true, phone, method: 'otp', channel: 'sms' });
  });
});
