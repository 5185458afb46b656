import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type RunningProofline, startProofline } from '@proofline/server';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../../packages/widget/test/support/stack.js';
import { buildDemo } from '../server.js';

/**
 * The demo as a visitor uses it, in a real Chromium: the Proofline server on embedded defaults,
 * the demo site as its own server, the widget from /widget/proofline.js.
 */
let proofline: RunningProofline;
let demo: FastifyInstance;
let demoUrl: string;
let browser: Browser;
/** `UPDATE_SCREENSHOTS=1` refreshes the README's demo screenshots from this run. */
const screenshot = (page: Page, name: string, fullPage = false) =>
  process.env.UPDATE_SCREENSHOTS
    ? page.screenshot({
        path: fileURLToPath(new URL(`../../docs/screenshots/${name}`, import.meta.url)),
        fullPage,
      })
    : Promise.resolve();

beforeAll(async () => {
  const build = spawnSync(
    'node',
    [fileURLToPath(new URL('../../packages/widget/scripts/ensure-built.mjs', import.meta.url))],
    {
      stdio: 'inherit',
    },
  );
  expect(build.status).toBe(0);
  // The demo's own abuse limits, as `pnpm start` passes them (the server refuses a policy it cannot read).
  const fraudPolicy = readFileSync(fileURLToPath(new URL('../fraud-policy.json', import.meta.url)), 'utf8');
  proofline = await startProofline({
    port: 0,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent', FRAUD_POLICY: fraudPolicy },
  });
  demo = await buildDemo({ prooflineUrl: proofline.url, secret: 'sk_test_demo', siteKey: 'pk_test_demo' });
  demoUrl = await demo.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
  await proofline?.close();
});

async function openSignup(device: { connection: 'wifi' | 'cellular'; phone: string }): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${demoUrl}/`);
  await page.locator('proofline-verify #phone').waitFor();
  await page.locator('#device-phone').fill(device.phone);
  await page.locator('#device-phone').dispatchEvent('change');
  await page.locator(`input[name="connection"][value="${device.connection}"]`).check();
  const expected = device.connection === 'wifi' ? 'On Wi-Fi.' : `On mobile data as ${device.phone}.`;
  await expect.poll(() => page.locator('#device-status').textContent()).toBe(expected);
  await page.locator('input[name="name"]').fill('Ada');
  return page;
}

async function typeNumber(page: Page, national: string) {
  await page.locator('proofline-verify #phone').fill(national);
  await page.locator('proofline-verify button[type=submit]').click();
}

/** Each run uses its own numbers: the sandbox operator and the limits remember earlier ones. */
function freshNumber(): { national: string; e164: string } {
  const rest = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
  return { national: `07400 ${rest}`, e164: `+447400${rest}` };
}

describe('the demo signup', () => {
  it('verifies silently when the simulated device is on mobile data on the typed number', async () => {
    const number = freshNumber();
    const page = await openSignup({ connection: 'cellular', phone: number.e164 });
    await typeNumber(page, number.national);
    await expect
      .poll(() => page.locator('proofline-verify .done .title').textContent(), { timeout: 15_000 })
      .toBe('Phone number verified');
    expect(await page.locator('#phone-messages .bubble').count()).toBe(0);

    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#result').waitFor();
    expect(await page.locator('#verified-phone').textContent()).toBe(number.e164);
    expect(await page.locator('#verified-method').textContent()).toBe('silent');
    expect(await page.locator('#result').textContent()).toContain('No code was sent.');
    await screenshot(page, 'demo-step-4-result-silent.png', true);
    await page.close();
  });

  it('falls back to a code on Wi-Fi, read from the phone mock-up, and shows the siteverify result', async () => {
    const page = await openSignup({ connection: 'wifi', phone: '+447400123457' });
    await screenshot(page, 'demo-step-1-signup.png', true);
    expect(await axeViolations(page)).toEqual([]);
    // The form's own button waits for the widget: one primary button at a time.
    expect(await page.getByRole('button', { name: 'Create account' }).isHidden()).toBe(true);
    await typeNumber(page, '07400 123457');
    const bubble = page.locator('#phone-messages .bubble .text').first();
    await bubble.waitFor({ timeout: 15_000 });
    await page.locator('proofline-verify #code').waitFor();
    await screenshot(page, 'demo.png', true);
    await screenshot(page, 'demo-step-2-code.png', true);
    const code = /#(\d{4,10})\s*$/m.exec((await bubble.textContent()) ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await page.locator('proofline-verify #code').fill(code!);
    await page.locator('proofline-verify #code').press('Enter');
    await expect
      .poll(() => page.locator('proofline-verify .done .title').textContent())
      .toBe('Phone number verified');

    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#result').waitFor();
    expect(await page.locator('#verified-phone').textContent()).toBe('+447400123457');
    expect(await page.locator('#verified-method').textContent()).toBe('code (sms)');
    // The siteverify answer, field by field with its meaning.
    expect(await page.locator('table.answer').textContent()).toContain(
      'how: silent (the mobile operator) or otp (a code)',
    );
    await screenshot(page, 'demo-step-3-result-code.png', true);
    expect(await axeViolations(page)).toEqual([]);

    // The result has its own address: reloading shows it again (the token is not posted twice).
    expect(new URL(page.url()).pathname).toMatch(/^\/result\//);
    await page.reload();
    expect(await page.locator('#verified-method').textContent()).toBe('code (sms)');
    // A GET of /signup starts again instead of a JSON 404.
    const reload = await page.goto(`${demoUrl}/signup`);
    expect(reload?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.locator('proofline-verify #phone').waitFor();
    await page.close();
  });

  it('shows codes for any number typed: the phone panel follows the widget', async () => {
    const page = await openSignup({ connection: 'wifi', phone: '+447400123456' });
    const number = freshNumber();
    await page.locator('proofline-verify #phone').pressSequentially(number.national);
    await expect.poll(() => page.locator('#device-phone').inputValue()).toBe(number.e164);
    await page.locator('proofline-verify button[type=submit]').click();
    await page.locator('#phone-messages .bubble').first().waitFor({ timeout: 15_000 });
    await page.close();
  });

  it('explains a risky number: after a SIM swap the result names the factor and what to do', async () => {
    const number = freshNumber();
    const page = await openSignup({ connection: 'cellular', phone: number.e164 });
    await page.getByRole('button', { name: 'Simulate SIM swap' }).click();
    await expect.poll(() => page.locator('#device-status').textContent()).toContain('done for');
    await typeNumber(page, number.national);
    await page.locator('proofline-verify .done, proofline-verify #code').first().waitFor({ timeout: 15_000 });
    if (await page.locator('proofline-verify #code').count()) {
      const bubble = page.locator('#phone-messages .bubble .text').first();
      await bubble.waitFor({ timeout: 15_000 });
      const code = /#(\d{4,10})\s*$/m.exec((await bubble.textContent()) ?? '')?.[1];
      await page.locator('proofline-verify #code').fill(code!);
      await page.locator('proofline-verify #code').press('Enter');
      await page.locator('proofline-verify .done').waitFor();
    }
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#result').waitFor();
    expect(await page.locator('#risk-factors').textContent()).toContain('recent sim swap');
    expect(await page.locator('#risk-factors').textContent()).toContain('The SIM card was changed');
    expect(await page.locator('#risk-level').textContent()).not.toBe('low');
    await screenshot(page, 'demo-step-5-result-sim-swap.png', true);
    await page.close();
  });

  it('shows the whole number in the field on a 375 px phone', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await page.goto(`${demoUrl}/`);
    const phone = page.locator('proofline-verify #phone');
    await phone.waitFor();
    await phone.pressSequentially('07400123456');
    await expect.poll(() => phone.inputValue()).toBe('07400 123456');
    const field = await phone.evaluate((input: HTMLInputElement) => ({
      scroll: input.scrollWidth,
      client: input.clientWidth,
    }));
    expect(field.scroll).toBeLessThanOrEqual(field.client);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('shows the siteverify error when the form is sent without a token', async () => {
    const answer = await fetch(`${demoUrl}/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Eve&proofline-token=forged',
    });
    expect(answer.redirected).toBe(true);
    const html = await answer.text();
    expect(html).toContain('We could not verify your number');
    expect(html).toContain('invalid-input-response');
  });
});
