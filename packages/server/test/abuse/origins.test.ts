import type { Settings } from '@proofline/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AbuseServer, SITE_A, SITE_B, startAbuseServer } from './harness.js';

/** One tenant's allowed-origin patterns can neither freeze the server nor let another page in. */
let h: AbuseServer;
beforeAll(async () => {
  h = await startAbuseServer();
});
afterAll(() => h.close());

const configFrom = (origin: string, site = SITE_A) =>
  fetch(
    `${h.server.url}/trpc/config.get?input=${encodeURIComponent(JSON.stringify({ siteKey: site.siteKey }))}`,
    {
      headers: { origin },
    },
  );

describe('allowed origins', () => {
  it('refuses a pattern with * anywhere but the first label or the port, with the path of the entry', async () => {
    const hostile = `http://${'a*'.repeat(40)}b`;
    const saved = await h.b.rest('PUT', '/v1/settings/phone-verification', {
      allowed_origins: ['https://ok.example.com', hostile],
    });
    expect(saved.status).toBe(400);
    expect(saved.body.error?.details).toEqual([expect.objectContaining({ path: 'allowed_origins.1' })]);
    const settings = await h.b.rest<Settings>('GET', '/v1/settings/phone-verification');
    expect(settings.body.allowed_origins).not.toContain(hostile);

    // Requests with long crafted Origins are answered (and refused) as usual for every site.
    const crafted = `http://${'a'.repeat(3_000)}c`;
    for (const site of [SITE_A, SITE_B]) expect((await configFrom(crafted, site)).status).toBe(403);
    expect((await configFrom(SITE_A.origin)).status).toBe(200);
  });

  it('matches https://*.shop.example.com on subdomains at any depth, never the apex or a look-alike', async () => {
    const saved = await h.b.rest('PUT', '/v1/settings/phone-verification', {
      allowed_origins: ['https://*.shop.example.com', 'http://localhost:*'],
    });
    expect(saved.status).toBe(200);
    expect((await configFrom('https://eu.shop.example.com', SITE_B)).status).toBe(200);
    expect((await configFrom('https://a.b.shop.example.com', SITE_B)).status).toBe(200);
    expect((await configFrom('https://shop.example.com', SITE_B)).status).toBe(403);
    expect((await configFrom('https://evilshop.example.com', SITE_B)).status).toBe(403);
    expect((await configFrom('https://eu.shop.example.com.evil.io', SITE_B)).status).toBe(403);
    expect((await configFrom('http://eu.shop.example.com', SITE_B)).status).toBe(403);
  });
});
