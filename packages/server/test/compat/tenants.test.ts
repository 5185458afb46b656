import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Auth } from '@vonage/auth';
import { Verify2 } from '@vonage/verify2';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import type { RunningProofline } from '../../src/index.js';
import { hashSecret, TenantDirectory } from '../../src/tenants/index.js';
import { otpClient, uniqueMobile } from '../http/otp-client.js';
import { startTestServer } from '../support/server.js';
import { HostRewritingClient } from './harness.js';

/**
 * Compatible credentials are per site and issued like its keys: in the tenant file, secrets in
 * clear or as SHA-256. One site's credentials never reach another site's verifications.
 */
const shopKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const shop = {
  site_key: 'pk_live_shop',
  secret: 'sk_live_shop_secret',
  brand: 'Shop',
  allowed_origins: ['https://shop.example'],
  vonage: {
    api_key: 'shopkey1',
    api_secret_sha256: hashSecret('shop-vonage-secret'),
    application_id: '5b1f3c2e-8a4d-4e6f-9b0a-1c2d3e4f5a6b',
    public_key: shopKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  },
  twilio: {
    account_sid: `AC${'a'.repeat(32)}`,
    service_sid: `VA${'a'.repeat(32)}`,
    auth_token: 'shop-twilio-auth-token',
  },
};
const blog = {
  site_key: 'pk_live_blog',
  secret: 'sk_live_blog_secret',
  brand: 'Blog',
  allowed_origins: ['https://blog.example'],
  vonage: { api_key: 'blogkey1', api_secret: 'blog-vonage-secret' },
  twilio: {
    account_sid: `AC${'b'.repeat(32)}`,
    service_sid: `VA${'b'.repeat(32)}`,
    auth_token_sha256: hashSecret('blog-twilio-auth-token'),
  },
};

function tenantFile(sites: unknown[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'proofline-tenants-')), 'tenants.json');
  writeFileSync(path, JSON.stringify({ sites }));
  return path;
}

let server: RunningProofline;
beforeAll(async () => {
  server = await startTestServer({ redis: true, env: { PROOFLINE_CONFIG: tenantFile([shop, blog]) } });
});
afterAll(() => server?.close());

const twilioFor = (site: typeof shop | typeof blog, token: string) =>
  twilio(site.twilio.account_sid, token, {
    httpClient: new HostRewritingClient(server.url),
  }).verify.v2.services(site.twilio.service_sid);

describe('per-site compatible credentials', () => {
  it('each site reaches only its own verifications, whichever facade it uses', async () => {
    const phone = uniqueMobile();
    const shopTwilio = twilioFor(shop, 'shop-twilio-auth-token');
    const { sid } = await shopTwilio.verifications.create({ to: phone, channel: 'sms' });

    const blogTwilio = twilioFor(blog, 'blog-twilio-auth-token');
    await expect(blogTwilio.verifications(sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(
      blogTwilio.verificationChecks.create({ verificationSid: sid, code: '123456' }),
    ).rejects.toMatchObject({
      code: 20404,
    });
    // The shop's credentials with the blog's service are not the shop's service.
    const crossed = twilio(shop.twilio.account_sid, 'shop-twilio-auth-token', {
      httpClient: new HostRewritingClient(server.url),
    }).verify.v2.services(blog.twilio.service_sid);
    await expect(crossed.verifications(sid).fetch()).rejects.toMatchObject({ code: 20404 });

    // The shop's own application JWT (its own key pair) and the blog's Basic credentials.
    const shopVonage = new Verify2(
      new Auth({
        applicationId: shop.vonage.application_id,
        privateKey: shopKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      }),
      { apiHost: server.url },
    );
    const otherPhone = uniqueMobile();
    const { requestId } = await shopVonage.newRequest({
      brand: 'Shop',
      workflow: [{ channel: 'sms' as never, to: otherPhone }],
    });
    const blogBasic = `Basic ${Buffer.from('blogkey1:blog-vonage-secret').toString('base64')}`;
    const answer = await fetch(`${server.url}/v2/verify/${requestId}`, {
      method: 'POST',
      headers: { authorization: blogBasic, 'content-type': 'application/json' },
      body: JSON.stringify({ code: await otpClient(server.url).latestCode(otherPhone) }),
    });
    expect(answer.status).toBe(404);
    expect(await shopVonage.checkCode(requestId, await otpClient(server.url).latestCode(otherPhone))).toBe(
      'completed',
    );
  });

  it('a JWT signed by another key than the application’s is refused', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = new Verify2(
      new Auth({
        applicationId: shop.vonage.application_id,
        privateKey: stranger.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      }),
      { apiHost: server.url },
    );
    await expect(
      forged.newRequest({ brand: 'Shop', workflow: [{ channel: 'sms' as never, to: uniqueMobile() }] }),
    ).rejects.toMatchObject({ response: { status: 401 } });
  });

  it('a tenant file with malformed credentials is refused at start with the path of the entry', () => {
    const cases: [unknown, string][] = [
      [{ ...blog, twilio: { ...blog.twilio, account_sid: 'AC123' } }, 'sites.0.twilio.account_sid'],
      [{ ...blog, twilio: { ...blog.twilio, auth_token: 'x'.repeat(20) } }, 'auth_token'],
      [{ ...blog, vonage: { api_key: 'blogkey1' } }, 'api_secret'],
      [{ ...shop, vonage: { ...shop.vonage, public_key: undefined } }, 'public_key'],
    ];
    for (const [site, message] of cases) {
      expect(() => TenantDirectory.fromFile(tenantFile([site]))).toThrow(message);
    }
  });
});

describe('compatible credentials issued by the CLI', () => {
  /** The value printed after `label` by a `proofline` command. */
  const printed = (lines: string[], label: string) =>
    lines
      .find((line) => line.startsWith(`${label}:`))!
      .slice(label.length + 1)
      .trim();

  it('sites vonage-credentials and twilio-credentials: the official SDKs work with what they print', async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'proofline-cli-compat-')), 'sites.json');
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicKeyFile = join(mkdtempSync(join(tmpdir(), 'proofline-key-')), 'public.pem');
    writeFileSync(publicKeyFile, keys.publicKey.export({ type: 'spki', format: 'pem' }));
    const created = await runCli(
      ['sites', 'create', '--name', 'Shop', '--origin', 'https://shop.example', '--config', config],
      {},
    );
    const siteKey = printed(created.lines, 'site key');
    const vonage = await runCli(
      [
        'sites',
        'vonage-credentials',
        '--site',
        siteKey,
        '--public-key',
        publicKeyFile,
        // The application id the site's Vonage code already uses.
        '--application-id',
        shop.vonage.application_id,
        '--config',
        config,
      ],
      {},
    );
    expect(printed(vonage.lines, 'application id')).toBe(shop.vonage.application_id);
    const twilioIssued = await runCli(
      ['sites', 'twilio-credentials', '--site', siteKey, '--config', config],
      {},
    );
    // Only hashes of the secrets are written.
    const file = readFileSync(config, 'utf8');
    for (const secret of [printed(vonage.lines, 'api secret'), printed(twilioIssued.lines, 'auth token')]) {
      expect(file).not.toContain(secret);
    }

    const issued = await startTestServer({ redis: true, env: { PROOFLINE_CONFIG: config } });
    try {
      const phone = uniqueMobile();
      const verify = twilio(
        printed(twilioIssued.lines, 'account SID'),
        printed(twilioIssued.lines, 'auth token'),
        {
          httpClient: new HostRewritingClient(issued.url),
        },
      ).verify.v2.services(printed(twilioIssued.lines, 'service SID'));
      expect(await verify.verifications.create({ to: phone, channel: 'sms' })).toMatchObject({
        status: 'pending',
      });

      const byJwt = new Verify2(
        new Auth({
          applicationId: shop.vonage.application_id,
          privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        }),
        { apiHost: issued.url },
      );
      const otherPhone = uniqueMobile();
      const { requestId } = await byJwt.newRequest({
        brand: 'Shop',
        workflow: [{ channel: 'sms' as never, to: otherPhone }],
      });
      // Basic auth with the printed api key and secret, as Vonage's other clients send it.
      const basic = Buffer.from(`${printed(vonage.lines, 'api key')}:${printed(vonage.lines, 'api secret')}`);
      const checked = await fetch(`${issued.url}/v2/verify/${requestId}`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic.toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ code: await otpClient(issued.url).latestCode(otherPhone) }),
      });
      expect(await checked.json()).toEqual({ request_id: requestId, status: 'completed' });
    } finally {
      await issued.close();
    }
  });
});
