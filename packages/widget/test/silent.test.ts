import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  axeViolations,
  closePages,
  freshUkMobile,
  latestCode,
  launchBrowser,
  openPage,
  type Stack,
  startStack,
  widgetPage,
} from './support/stack.js';

let browser: Browser;
let stack: Stack;

beforeAll(async () => {
  browser = await launchBrowser();
});

beforeEach(async () => {
  stack = await startStack();
});

afterEach(async () => {
  await closePages();
  await stack?.close();
});

afterAll(async () => {
  await browser?.close();
});

const text = (value: string | null | undefined) => value?.replace(/\s+/g, ' ').trim();

/** Which line the sandbox operator sees the simulated device on (null: Wi-Fi, no silent possible). */
async function deviceOn(phone: string | null): Promise<void> {
  const response = await fetch(`${stack.server.url}/sandbox/operator/device`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone }),
  });
  expect(response.status).toBe(200);
}

async function open(attributes = ''): Promise<Page> {
  const url = stack.page(
    '/silent',
    widgetPage(stack, {
      body: `<proofline-verify site-key="pk_test_demo" default-country="GB" ${attributes}></proofline-verify>`,
    }),
  );
  const { page } = await openPage(browser, url);
  await page.locator('proofline-verify #phone').waitFor();
  await page.evaluate(() => {
    const states: string[] = [];
    (window as unknown as { states: string[] }).states = states;
    document.addEventListener('proofline-state', (event) => states.push(event.detail.state));
    document.addEventListener('proofline-verified', (event) => {
      (window as unknown as { verified: unknown }).verified = event.detail;
    });
  });
  return page;
}

const states = (page: Page) => page.evaluate(() => (window as unknown as { states: string[] }).states);

describe('silent verification through the sandbox operator', () => {
  it('verifies silently when the device is on the typed line, with no code', async () => {
    const number = freshUkMobile();
    await deviceOn(number.e164);
    const page = await open();
    const widget = page.locator('proofline-verify');
    await widget.locator('#phone').fill(number.national);
    await widget.locator('button[type=submit]').click();
    await widget.locator('.done').waitFor();
    expect(await states(page)).toEqual(['sending', 'silent', 'verified']);
    const verified = await page.evaluate(
      () => (window as unknown as { verified: { method: string; phone: string } }).verified,
    );
    expect(verified).toMatchObject({ method: 'silent', phone: number.e164 });
    const inbox = await fetch(`${stack.server.url}/dev/inbox?to=${encodeURIComponent(number.e164)}`).then(
      (r) => r.json(),
    );
    expect(inbox.messages).toEqual([]);
  });

  it('falls back to an SMS code without retyping when the operator cannot confirm the line', async () => {
    const number = freshUkMobile();
    await deviceOn(freshUkMobile().e164);
    const page = await open();
    const widget = page.locator('proofline-verify');
    await widget.locator('#phone').fill(number.national);
    await widget.locator('button[type=submit]').click();
    await widget.locator('#code').waitFor();
    expect(await states(page)).toEqual(['sending', 'silent', 'code']);
    expect(text(await widget.locator('#code-sent').textContent())).toMatch(/^We sent a code by SMS to /);
    await widget.locator('#code').fill((await latestCode(stack, number.e164)).code);
    await widget.locator('#code').press('Enter');
    await widget.locator('.done').waitFor();
    const verified = await page.evaluate(
      () => (window as unknown as { verified: { method: string } }).verified,
    );
    expect(verified.method).toBe('otp');
  });

  it('falls back to SMS while a slow operator has still not answered the hop', async () => {
    const number = freshUkMobile();
    await deviceOn(number.e164);
    // The operator's authorize hop takes longer than the silent timeout (5 s): the widget polls
    // meanwhile, and the server moves the verification on to SMS when the attempt times out.
    const slow = await fetch(`${stack.server.url}/sandbox/operator/latency`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 30_000 }),
    });
    expect(slow.status).toBe(200);
    const page = await open();
    const widget = page.locator('proofline-verify');
    await widget.locator('#phone').fill(number.national);
    await widget.locator('button[type=submit]').click();
    await widget.locator('#code').waitFor({ timeout: 15_000 });
    expect(await states(page)).toEqual(['sending', 'silent', 'code']);
    expect((await latestCode(stack, number.e164)).code).toMatch(/^\d{6}$/);
  });

  it('shows a calm, accessible progress state while the operator answers', async () => {
    const number = freshUkMobile();
    await deviceOn(number.e164);
    const page = await open();
    // Hold the operator hop until the state has been checked, then let it go on to the real sandbox.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/sandbox/operator/authorize**', async (route) => {
      await held;
      await route.continue();
    });
    const widget = page.locator('proofline-verify');
    await widget.locator('#phone').fill(number.national);
    await widget.locator('button[type=submit]').click();
    await widget.locator('[part=silent]').waitFor();
    expect(text(await widget.locator('[part=silent] .title').textContent())).toBe(
      'Checking with your mobile operator…',
    );
    expect(text(await widget.locator('[role=status]').textContent())).toBe(
      'Checking with your mobile operator…',
    );
    expect(await axeViolations(page)).toEqual([]);
    await page.evaluate(() => document.querySelector('proofline-verify')!.setAttribute('theme', 'dark'));
    expect(await axeViolations(page)).toEqual([]);
    release();
    await widget.locator('.done').waitFor();
  });

  it('in redirect mode leaves the page for the operator and resumes on return', async () => {
    const number = freshUkMobile();
    await deviceOn(number.e164);
    const page = await open('silent-mode="redirect"');
    const widget = page.locator('proofline-verify');
    await widget.locator('#phone').fill(number.national);
    await widget.locator('button[type=submit]').click();
    // The page navigates away and back; the new page's widget picks the verification up.
    await page.waitForURL(/#proofline_verification=/, { waitUntil: 'commit' });
    await widget.locator('.done').waitFor();
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.evaluate(() => document.querySelector('proofline-verify')!.getResponse())).toBeTruthy();
  });

  it('brings a refusal of the number after the silent attempt back to the number', async () => {
    await deviceOn(null);
    const page = await open();
    const widget = page.locator('proofline-verify');
    // A UK premium-rate number: the demo site blocks premium lines when it comes to sending a code.
    await widget.locator('#phone').fill('09098 790123');
    await widget.locator('button[type=submit]').click();
    await expect
      .poll(async () => text(await widget.locator('#phone-help').textContent()))
      .toBe('This kind of number cannot be used here. Use a mobile number.');
    expect(await widget.locator('#phone').getAttribute('aria-invalid')).toBe('true');
    expect((await widget.locator('#phone').inputValue()).replace(/\D/g, '')).toBe('09098790123');
  });
});
