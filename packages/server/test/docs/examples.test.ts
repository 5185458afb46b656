import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configVariables } from '../../src/config/index.js';
import type { RunningProofline } from '../../src/index.js';
import { messagingVariables } from '../../src/messaging/index.js';
import { RELAXED_FRAUD_POLICY } from '../http/otp-client.js';
import { startTestServer } from '../support/server.js';

/**
 * Every code sample of the docs lives in docs/examples/ and runs here against a real server; the
 * Markdown pages embed those files verbatim (checked below), so the docs cannot drift from them.
 */
const run = promisify(execFile);
const docs = fileURLToPath(new URL('../../../../docs/', import.meta.url));
const examples = join(docs, 'examples');
const secret = 'sk_test_demo';

let server: RunningProofline;
let env: Record<string, string>;
let nextNumber = 100;

beforeAll(async () => {
  // A relaxed fraud policy: the samples send many codes from one test process.
  server = await startTestServer({
    redis: true,
    env: { FRAUD_POLICY: RELAXED_FRAUD_POLICY },
  });
  env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    PROOFLINE_URL: server.url,
    PROOFLINE_SECRET: secret,
  };
});
afterAll(() => server?.close());

async function sh(file: string, extra: Record<string, string> = {}) {
  const { stdout } = await run('bash', [join(examples, file)], { env: { ...env, ...extra } });
  return JSON.parse(stdout) as Record<string, unknown>;
}

async function codeFor(phone: string): Promise<string> {
  const inbox = (await (await fetch(`${server.url}/dev/inbox?to=${encodeURIComponent(phone)}`)).json()) as {
    messages: { body: string }[];
  };
  const match = /#(\d{4,10})\s*$/m.exec(inbox.messages[0]?.body ?? '');
  if (!match) throw new Error(`no code in the dev inbox for ${phone}`);
  return match[1]!;
}

/** A fresh token for a new number: send-otp, the code from the dev inbox, verify-otp. */
async function freshToken(): Promise<string> {
  const phone = `+4474001${String(nextNumber++).padStart(5, '0')}`;
  const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
  const started = (await (
    await fetch(`${server.url}/v1/phone/send-otp`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ phone }),
    })
  ).json()) as { verification_id: string };
  const verified = (await (
    await fetch(`${server.url}/v1/phone/verify-otp`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ verification_id: started.verification_id, code: await codeFor(phone) }),
    })
  ).json()) as { token: string };
  return verified.token;
}

describe('siteverify samples redeem a real token', () => {
  it.each([
    ['Node', 'node', ['siteverify.mjs']],
    ['Python', 'python3', ['siteverify.py']],
    ['PHP', 'php', ['siteverify.php']],
    ['Go', 'go', ['run', 'siteverify.go']],
  ])('%s', async (_language, command, args) => {
    const token = await freshToken();
    const { stdout } = await run(command, args, {
      cwd: examples,
      env: { ...env, TOKEN: token, GOCACHE: join(tmpdir(), 'proofline-go-cache'), GOFLAGS: '-mod=mod' },
      timeout: 120_000,
    });
    expect(stdout.trim()).toMatch(/^verified \+4474001\d{5} by otp, risk (low|medium|high)$/);
  });

  it('curl', async () => {
    const answer = await sh('siteverify.sh', { TOKEN: await freshToken() });
    expect(answer).toMatchObject({ success: true, method: 'otp', 'error-codes': [] });
  });
});

describe('REST samples', () => {
  it('send-otp then verify-otp', async () => {
    const started = await sh('send-otp.sh');
    expect(started).toMatchObject({ status: 'pending', channel: 'sms', to: '+447400123456' });
    const code = await codeFor('+447400123456');
    const verified = await sh('verify-otp.sh', {
      VERIFICATION_ID: String(started.verification_id),
      CODE: code,
    });
    expect(verified).toMatchObject({ verification_status: 'verified', phone: '+447400123456' });
    expect(typeof verified.token).toBe('string');
  });

  it('lookup', async () => {
    expect(await sh('lookup.sh')).toMatchObject({ phone: '+447400123456', valid: true, type: 'mobile' });
  });

  it('sim-swap-check', async () => {
    expect(await sh('sim-swap-check.sh')).toMatchObject({
      phone: '+447400123456',
      sim_swap_detected: false,
      max_age_hours: 72,
    });
  });

  it('monitor', async () => {
    expect(await sh('monitor.sh')).toMatchObject({
      phone: '+447400123456',
      events: ['sim_swap'],
      expires_at: null,
    });
  });

  it('number-recycling', async () => {
    expect(await sh('number-recycling.sh')).toMatchObject({ specified_date: '2024-01-15', recycled: false });
  });

  it('kyc-match', async () => {
    const answer = await sh('kyc-match.sh');
    // A line the sandbox holds no KYC data for: nothing could be compared.
    expect(answer).toEqual({
      phone: '+447400123456',
      given_name_match: 'not_available',
      family_name_match: 'not_available',
      birthdate_match: 'not_available',
      decision: 'not_available',
    });
  });

  it('rules', async () => {
    expect(await sh('rules.sh')).toMatchObject({
      rule_id: 'voip-needs-otp',
      trigger: 'verification_started',
    });
  });

  it('settings', async () => {
    expect(await sh('settings.sh')).toMatchObject({ channels: ['sms', 'voice'], block_voip: true });
  });

  it('network-unblock', async () => {
    const fraud = (
      server.deps as unknown as { fraud: { blocks: { impose: (...args: unknown[]) => Promise<unknown> } } }
    ).fraud;
    await fraud.blocks.impose('pk_test_demo', '23415', 'Vodafone UK', 'pumping');
    const answer = await sh('network-unblock.sh');
    expect(answer.network).toBe('23415');
    expect(Date.parse(String(answer.unblocked_until))).toBeGreaterThan(Date.now());
  });

  it('webhook verification', async () => {
    const { verifyProoflineWebhook } = (await import(join(examples, 'verify-webhook.mjs'))) as {
      verifyProoflineWebhook: (secret: string, headers: Record<string, string>, body: string) => unknown;
    };
    const webhookSecret = `whsec_${Buffer.from('a'.repeat(24)).toString('base64')}`;
    const body = JSON.stringify({
      type: 'verification.approved',
      timestamp: new Date().toISOString(),
      data: {},
    });
    const signed = new Webhook(webhookSecret).sign('msg_1', new Date(), body);
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': signed,
    };
    expect(verifyProoflineWebhook(webhookSecret, headers, body)).toMatchObject({
      type: 'verification.approved',
    });
    expect(() =>
      verifyProoflineWebhook(webhookSecret, headers, body.replace('approved', 'failed')),
    ).toThrow();
  });
});

describe('the docs embed the tested samples verbatim', () => {
  const pages = readdirSync(docs).filter((name) => name.endsWith('.md'));
  it.each(pages)('%s', (page) => {
    const text = readFileSync(join(docs, page), 'utf8');
    const embeds = [...text.matchAll(/<!-- example: (\S+) -->\n```\w*\n([\s\S]*?)```/g)];
    for (const [, file, block] of embeds) {
      expect(block, `${page} embeds ${file}`).toBe(readFileSync(join(docs, file!), 'utf8'));
    }
  });

  it('every sample is embedded in some page', () => {
    const embedded = new Set(
      readdirSync(docs)
        .filter((name) => name.endsWith('.md'))
        .flatMap((page) =>
          [...readFileSync(join(docs, page), 'utf8').matchAll(/<!-- example: examples\/(\S+) -->/g)].map(
            (m) => m[1],
          ),
        ),
    );
    for (const file of readdirSync(examples)) expect(embedded, file).toContain(file);
  });
});

describe('self-hosting docs list every environment variable', () => {
  it.each([...configVariables, ...messagingVariables])('%s', (name) => {
    expect(readFileSync(join(docs, 'self-hosting.md'), 'utf8')).toContain(`\`${name}\``);
  });
});
