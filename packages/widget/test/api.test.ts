import { describe, expect, it } from 'vitest';
import { text, useBrowserFixture } from './support/fixture.js';

const fixture = useBrowserFixture();

describe('public API', () => {
  it('defines the element once when the script and the module both load, and calls onload', async () => {
    const { page, errors } = await fixture.open({
      head: `<script>window.loaded = 0; function onProofline() { window.loaded++; }</script>
          <script src="${fixture.stack.server.url}/widget/proofline.js?onload=onProofline" async></script>
          <script type="module">import('${fixture.stack.server.url}/widget/proofline.esm.js').then(() => { window.moduleLoaded = true; });</script>`,
      ready: false,
    });
    await page.waitForFunction(() => (window as unknown as { loaded: number }).loaded === 1);
    await page.waitForFunction(() => (window as unknown as { moduleLoaded?: boolean }).moduleLoaded === true);
    await page.locator('proofline-verify #phone').waitFor();
    expect(await page.evaluate(() => typeof customElements.get('proofline-verify'))).toBe('function');
    expect(await page.evaluate(() => typeof window.proofline.render)).toBe('function');
    expect(errors).toEqual([]);
  });

  it('renders, resets and removes widgets explicitly through window.proofline', async () => {
    const { page } = await fixture.open({
      head: `<script>function ready() {
          window.widget = proofline.render('#box', { sitekey: 'pk_test_demo', theme: 'dark', size: 'compact',
            defaultCountry: 'FR', countries: ['FR', 'BE'], callback: (token) => { window.token = token; } });
        }</script><script src="${fixture.stack.server.url}/widget/proofline.js?onload=ready" async></script>`,
      body: '<div id="box"></div>',
    });
    await page.locator('#box proofline-verify #phone').waitFor();
    const attributes = await page.evaluate(() => {
      const widget = document.querySelector('#box proofline-verify')!;
      return Object.fromEntries(widget.getAttributeNames().map((name) => [name, widget.getAttribute(name)]));
    });
    expect(attributes).toMatchObject({
      'site-key': 'pk_test_demo',
      theme: 'dark',
      size: 'compact',
      'default-country': 'FR',
      countries: 'FR BE',
    });
    expect(await page.locator('#box proofline-verify #country').inputValue()).toBe('FR');
    expect(await page.evaluate(() => window.proofline.getResponse('#box'))).toBeUndefined();
    await page.locator('#box proofline-verify #phone').fill('06 12');
    await page.evaluate(() => window.proofline.reset());
    await page.evaluate(() => window.proofline.remove('#box proofline-verify'));
    expect(await page.locator('#box proofline-verify').count()).toBe(0);
  });

  it('keeps a required widget from letting its form submit until verified', async () => {
    const { page } = await fixture.open({
      body: `<form id="signup" action="/submitted" method="post">
          <proofline-verify site-key="pk_test_demo" required></proofline-verify>
          <button id="send">Sign up</button></form>`,
    });
    const submitted: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/submitted')) submitted.push(request.url());
    });
    expect(
      await page.evaluate(() => (document.querySelector('#signup') as HTMLFormElement).checkValidity()),
    ).toBe(false);
    expect(await page.evaluate(() => document.querySelector('proofline-verify')!.validationMessage)).toBe(
      'Verify your phone number to continue.',
    );
    expect(await page.evaluate(() => document.querySelector('proofline-verify')!.validity.valueMissing)).toBe(
      true,
    );
    expect(
      await page.evaluate(() => new FormData(document.querySelector('form')!).has('proofline-token')),
    ).toBe(false);
    await page.locator('#send').click();
    // The browser blocks the submit and sends focus into the widget, to the number.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id))
      .toBe('phone');
    expect(submitted).toEqual([]);
    await page.evaluate(() => document.querySelector('proofline-verify')!.setAttribute('locale', 'fr'));
    await expect
      .poll(() => page.evaluate(() => document.querySelector('proofline-verify')!.validationMessage))
      .toBe('Vérifiez votre numéro de téléphone pour continuer.');
  });

  it('reports an unknown site key: a plain message, no useless button, the event and one console error for the developer', async () => {
    const { page, consoleErrors: logged } = await fixture.open({
      head: '<script>window.codes = []; function onProoflineError(code) { window.codes.push(code); }</script>',
      body: '<proofline-verify site-key="pk_unknown" error-callback="onProoflineError"></proofline-verify>',
      ready: false,
    });
    await page.locator('proofline-verify .problem').waitFor();
    expect(text(await page.locator('proofline-verify .problem .title').textContent())).toBe(
      'Phone verification is not set up correctly on this page.',
    );
    expect(await page.evaluate(() => (window as unknown as { codes: string[] }).codes)).toEqual([
      'invalid_site_key',
    ]);
    expect(await page.locator('proofline-verify button').count()).toBe(0);
    // Chromium also logs the refused request itself; the widget adds one line of its own.
    const ours = () => logged.filter((line) => line.startsWith('proofline:'));
    await expect.poll(ours).toHaveLength(1);
    expect(ours()[0]).toContain('proofline: invalid_site_key');
    expect(ours()[0]).toContain('"pk_unknown"');
    expect(ours()[0]).toContain('pk_…, never the secret sk_…');
  });

  it('reports an origin the site does not allow: not a network error, and names the origin to add', async () => {
    // Chromium resolves *.localhost to the loopback address: the same test site under a host the
    // demo site's allowed origins (localhost:*, 127.0.0.1:*) do not cover.
    const { page, consoleErrors: logged } = await fixture.open({
      head: '<script>window.codes = []; addEventListener("proofline-error", (e) => window.codes.push(e.detail.code));</script>',
      hostname: 'shop.localhost',
      ready: false,
    });
    const origin = new URL(page.url()).origin;
    await page.locator('proofline-verify .problem').waitFor();
    expect(text(await page.locator('proofline-verify .problem .title').textContent())).toBe(
      'Phone verification is not set up for this page.',
    );
    expect(await page.evaluate(() => (window as unknown as { codes: string[] }).codes)).toEqual([
      'origin_not_allowed',
    ]);
    expect(await page.locator('proofline-verify button').count()).toBe(0);
    await expect.poll(() => logged.filter((line) => line.startsWith('proofline:'))).toHaveLength(1);
    expect(logged.find((line) => line.startsWith('proofline:'))).toContain(
      `proofline: origin_not_allowed: ${origin} is not an allowed origin of site key "pk_test_demo". Add "${origin}" to the site's allowed_origins`,
    );
  });

  it('renders under enforced Trusted Types when the page allows the lit-html policy (as documented)', async () => {
    const { page } = await fixture.open({
      head: `<meta http-equiv="Content-Security-Policy" content="require-trusted-types-for 'script'; trusted-types lit-html">`,
      attributes: 'default-country="GB"',
    });
    const phone = page.locator('proofline-verify #phone');
    await phone.pressSequentially('+447400123456');
    await expect.poll(() => phone.inputValue()).toBe('+44 7400 123456');
  });

  it('says the network is down and recovers when it is back', async () => {
    const { page, context } = await fixture.open({
      before: (page) =>
        page.route(`${fixture.stack.server.url}/trpc/**`, (route) => route.abort('internetdisconnected')),
      ready: false,
    });
    await page.locator('proofline-verify .problem').waitFor();
    expect(text(await page.locator('proofline-verify .problem .title').textContent())).toBe(
      'No connection. Check your network and try again.',
    );
    await page.unroute(`${fixture.stack.server.url}/trpc/**`);
    await page.locator('proofline-verify button.forward').click();
    await page.locator('proofline-verify #phone').waitFor();
    await context.close();
  });
});
