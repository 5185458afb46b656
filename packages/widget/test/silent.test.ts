import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { events, recordEvents, text, useBrowserFixture } from './support/fixture.js';
import { axeViolations, deviceOn, freshUkMobile, holdOperatorHop, latestCode } from './support/stack.js';

// A server per test: the sandbox operator's device and latency are the server's.
const fixture = useBrowserFixture({ perTest: true });

async function open(attributes = ''): Promise<Page> {
  const { page } = await fixture.open({ attributes: `default-country="GB" ${attributes}` });
  await recordEvents(page);
  return page;
}

const states = async (page: Page) => (await events(page, 'proofline-state')).map((detail) => detail.state);
const verified = async (page: Page) => (await events(page, 'proofline-verified'))[0];

describe('silent verification through the sandbox operator', () => {
  it('verifies silently when the device is on the typed line, with no code', async () => {
    const number = freshUkMobile();
    await deviceOn(fixture.stack, number.e164);
    const page = await open();
    const widget = page.locator('proofline-verify');
    await widget.locator('#phone').fill(number.national);
    await widget.locator('button[type=submit]').click();
    await widget.locator('.done').waitFor();
    expect(await states(page)).toEqual(['sending', 'silent', 'verified']);
    expect(await verified(page)).toMatchObject({ method: 'silent', phone: number.e164 });
    const inbox = await fetch(
      `${fixture.stack.server.url}/dev/inbox?to=${encodeURIComponent(number.e164)}`,
    ).then((r) => r.json());
    expect(inbox.messages).toEqual([]);
  });

  it('falls back to an SMS code without retyping when the operator cannot confirm the line', async () => {
    const number = freshUkMobile();
    await deviceOn(fixture.stack, freshUkMobile().e164);
    const page = await open();
    const widget = page.locator('proofline-verify');
    await widget.locator('#phone').fill(number.national);
    await widget.locator('button[type=submit]').click();
    await widget.locator('#code').waitFor();
    expect(await states(page)).toEqual(['sending', 'silent', 'code']);
    expect(text(await widget.locator('#code-sent').textContent())).toMatch(/^We sent a code by SMS to /);
    await widget.locator('#code').fill((await latestCode(fixture.stack, number.e164)).code);
    await widget.locator('#code').press('Enter');
    await widget.locator('.done').waitFor();
    expect((await verified(page))?.method).toBe('otp');
  });

  it('falls back to SMS while a slow operator has still not answered the hop', async () => {
    const number = freshUkMobile();
    await deviceOn(fixture.stack, number.e164);
    // The operator's authorize hop takes longer than the silent timeout (5 s): the widget polls
    // meanwhile, and the server moves the verification on to SMS when the attempt times out.
    const slow = await fetch(`${fixture.stack.server.url}/sandbox/operator/latency`, {
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
    expect((await latestCode(fixture.stack, number.e164)).code).toMatch(/^\d{6}$/);
  });

  it('shows a calm, accessible progress state while the operator answers', async () => {
    const number = freshUkMobile();
    await deviceOn(fixture.stack, number.e164);
    const page = await open();
    // Hold the operator hop until the state has been checked, then let it go on to the real sandbox.
    const { release } = await holdOperatorHop(page);
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
    await deviceOn(fixture.stack, number.e164);
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
    await deviceOn(fixture.stack, null);
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
