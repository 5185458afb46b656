import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBrowserFixture } from './support/fixture.js';
import { openPage, widgetRoot } from './support/stack.js';

// Pages with their own script tags (pinned version, SRI): opened with `openPage`, not the fixture's `open`.
const fixture = useBrowserFixture();
let version: string;

beforeAll(async () => {
  version = (JSON.parse(await readFile(join(widgetRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
});

const sri = (bytes: Buffer) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

describe('the versioned widget', () => {
  it('serves the exact version immutable and v1 revalidated, with SRI hashes of the bytes served', async () => {
    const built = await readFile(join(widgetRoot, 'dist', 'proofline.js'));
    for (const [folder, cache] of [
      [version, 'public, max-age=31536000, immutable'],
      ['v1', 'public, max-age=3600'],
    ] as const) {
      const script = await fetch(`${fixture.stack.server.url}/widget/${folder}/proofline.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get('cache-control')).toBe(cache);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      const bytes = Buffer.from(await script.arrayBuffer());
      expect(bytes.equals(built)).toBe(true);

      const published = await fetch(`${fixture.stack.server.url}/widget/${folder}/proofline.js.sri`);
      expect(published.status).toBe(200);
      expect((await published.text()).trim()).toBe(sri(bytes));

      const esm = Buffer.from(
        await (await fetch(`${fixture.stack.server.url}/widget/${folder}/proofline.esm.js`)).arrayBuffer(),
      );
      const manifest = (await (
        await fetch(`${fixture.stack.server.url}/widget/${folder}/integrity.json`)
      ).json()) as {
        version: string;
        files: Record<string, { url: string; integrity: string }>;
      };
      expect(manifest).toEqual({
        version,
        files: {
          'proofline.js': { url: `/widget/${version}/proofline.js`, integrity: sri(bytes) },
          'proofline.esm.js': { url: `/widget/${version}/proofline.esm.js`, integrity: sri(esm) },
        },
      });
    }
  });

  it('loads with its integrity attribute and talks to the server it came from', async () => {
    const integrity = (
      await (await fetch(`${fixture.stack.server.url}/widget/${version}/proofline.js.sri`)).text()
    ).trim();
    const page = (check: string) =>
      fixture.stack.page(
        `/sri-${Math.random().toString(36).slice(2)}`,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SRI</title>
<script src="${fixture.stack.server.url}/widget/${version}/proofline.js" integrity="${check}" crossorigin="anonymous" async></script>
</head><body><main><h1>Sign up</h1><proofline-verify site-key="pk_test_demo" default-country="GB"></proofline-verify></main></body></html>`,
      );
    const { page: good } = await openPage(fixture.browser, 'about:blank');
    const config = good.waitForRequest((request) => request.url().includes('/trpc/config.get'));
    await good.goto(page(integrity));
    await good.locator('proofline-verify #phone').waitFor();
    expect((await config).url().startsWith(`${fixture.stack.server.url}/trpc/config.get`)).toBe(true);

    // One byte of difference in the hash: the browser refuses the script, nothing is defined.
    const { page: tampered } = await openPage(fixture.browser, 'about:blank');
    const refused = tampered.waitForEvent('console', (message) => /integrity/i.test(message.text()));
    await tampered.goto(page(integrity.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'))));
    await refused;
    expect(await tampered.evaluate(() => customElements.get('proofline-verify') === undefined)).toBe(true);
  });
});
