import { ManualClock } from '@proofline/server';
import type { Browser, Locator, Page } from 'playwright-core';
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
// Each test gets its own server: the per-IP send limit (10 per 10 minutes, all from 127.0.0.1 here)
// would otherwise couple the tests. The browser's clock is set to the server's so countdowns agree.
let stack: Stack;
let clock: ManualClock;

beforeAll(async () => {
  browser = await launchBrowser();
});

beforeEach(async () => {
  clock = new ManualClock(Date.now());
  stack = await startStack({ clock });
});

afterEach(async () => {
  await closePages();
  await stack?.close();
});

afterAll(async () => {
  await browser?.close();
});

/**
 * These tests are about the code path: a page listing no `silent` skips silent verification (the
 * silent path has its own tests). Attributes given first win, so a test can still set `channels`.
 */
const OTP_ONLY = 'channels="sms whatsapp voice"';

const text = (locator: Locator) => locator.textContent().then((value) => value?.replace(/\s+/g, ' ').trim());

async function open(attributes = '', body?: string): Promise<Page> {
  const url = stack.page(
    `/flow-${Math.random().toString(36).slice(2)}`,
    widgetPage(stack, {
      body:
        body ??
        `<proofline-verify site-key="pk_test_demo" default-country="GB" ${attributes} ${OTP_ONLY}></proofline-verify>`,
    }),
  );
  const { page } = await openPage(browser, 'about:blank');
  await page.clock.install({ time: clock.now() });
  await page.goto(url);
  await page.locator('proofline-verify #phone').first().waitFor();
  await page.evaluate(() => {
    const seen: unknown[] = [];
    (window as unknown as { seen: unknown[] }).seen = seen;
    for (const name of ['proofline-verified', 'proofline-error', 'proofline-expired', 'proofline-state']) {
      document.addEventListener(name, (event) =>
        seen.push({ type: name, detail: (event as CustomEvent).detail }),
      );
    }
  });
  return page;
}

const events = (page: Page, type: string) =>
  page.evaluate(
    (type) =>
      (window as unknown as { seen: { type: string; detail: unknown }[] }).seen.filter(
        (e) => e.type === type,
      ),
    type,
  );

async function sendCode(widget: Locator, national: string): Promise<void> {
  await widget.locator('#phone').fill(national);
  await widget.locator('button[type=submit]').click();
  await widget.locator('#code, .error, .problem').first().waitFor();
  if (!(await widget.locator('#code').count())) {
    throw new Error(`no code step: ${await text(widget.locator('.error, .problem').first())}`);
  }
}

describe('OTP flow against the real server', () => {
  it('verifies with the code from the dev inbox, emits the token and puts it in the form', async () => {
    const page = await open('required');
    await page.evaluate(() => {
      const form = document.createElement('form');
      form.append(document.querySelector('proofline-verify')!);
      document.querySelector('main')!.append(form);
    });
    const widget = page.locator('proofline-verify');
    const number = freshUkMobile();
    await sendCode(widget, number.national);

    expect(await text(widget.locator('#code-sent'))).toContain(
      `We sent a code by SMS to +44******${number.e164.slice(-4)}.`,
    );
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id)).toBe('code');
    expect(await widget.locator('#code').getAttribute('autocomplete')).toBe('one-time-code');
    expect(await widget.locator('#code').getAttribute('inputmode')).toBe('numeric');

    const { code } = await latestCode(stack, number.e164);
    await widget.locator('#code').fill(code);
    await widget.locator('#code').press('Enter');
    await expect.poll(() => text(widget.locator('.done .title'))).toBe('Phone number verified');

    const [verified] = (await events(page, 'proofline-verified')) as {
      detail: { token: string; phone: string; method: string };
    }[];
    expect(verified?.detail.phone).toBe(number.e164);
    expect(verified?.detail.method).toBe('otp');
    const token = verified!.detail.token;
    expect(await page.evaluate(() => document.querySelector('proofline-verify')!.getResponse())).toBe(token);
    expect(
      await page.evaluate(() => new FormData(document.querySelector('form')!).get('proofline-token')),
    ).toBe(token);
    expect(
      await page.evaluate(() => document.querySelector('proofline-verify')!.matches(':state(verified)')),
    ).toBe(true);
    const states = (await events(page, 'proofline-state')).map((e) => (e.detail as { state: string }).state);
    expect(states.slice(states.indexOf('sending'))).toEqual(['sending', 'code', 'verified']);

    // The site's backend checks the submitted token with its secret, once.
    const siteverify = () =>
      fetch(`${stack.server.url}/v1/siteverify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ secret: 'sk_test_demo', response: token }),
      }).then((response) => response.json() as Promise<Record<string, unknown>>);
    const answer = await siteverify();
    expect(answer).toMatchObject({
      success: true,
      phone: number.e164,
      method: 'otp',
      channel: 'sms',
      hostname: '127.0.0.1',
    });
    expect(await siteverify()).toMatchObject({ success: false, 'error-codes': ['timeout-or-duplicate'] });

    // A form reset forgets the token and shows the phone step again.
    await page.evaluate(() => document.querySelector('form')!.reset());
    await widget.locator('#phone').waitFor();
    expect(
      await page.evaluate(() => new FormData(document.querySelector('form')!).has('proofline-token')),
    ).toBe(false);
    expect(
      await page.evaluate(() => document.querySelector('proofline-verify')!.getResponse()),
    ).toBeUndefined();
  });

  it('submits the token with the form under the name given', async () => {
    const page = await open(
      '',
      `<form id="signup" action="/signup" method="post"><input name="email" value="a@example.com">
        <proofline-verify site-key="pk_test_demo" default-country="GB" name="phone-proof" required ${OTP_ONLY}></proofline-verify>
        <button id="send">Sign up</button></form>`,
    );
    let body: string | null = null;
    await page.route('**/signup', (route) => {
      body = route.request().postData();
      return route.fulfill({ contentType: 'text/html', body: '<p>thanks</p>' });
    });
    const widget = page.locator('proofline-verify');
    const number = freshUkMobile();
    await sendCode(widget, number.national);
    await widget.locator('#code').fill((await latestCode(stack, number.e164)).code);
    await widget.locator('#code').press('Enter');
    await widget.locator('.done').waitFor();
    await page.locator('#send').click();
    await expect.poll(() => body).not.toBeNull();
    const fields = new URLSearchParams(body!);
    expect(fields.get('email')).toBe('a@example.com');
    expect(fields.get('phone-proof')?.length).toBeGreaterThan(20);
  });

  it('says a wrong code is wrong, counts attempts, then takes the right one', async () => {
    const page = await open();
    const widget = page.locator('proofline-verify');
    const number = freshUkMobile();
    await sendCode(widget, number.national);
    const { code } = await latestCode(stack, number.e164);
    const wrong = code === '000000' ? '111111' : '000000';

    await widget.locator('#code').fill(wrong);
    await widget.locator('button[type=submit]').click();
    await expect
      .poll(() => text(widget.locator('#code-help')))
      .toBe('That code is not right. 4 attempts left.');
    expect(await widget.locator('#code').getAttribute('aria-invalid')).toBe('true');
    expect(await text(widget.locator('[role=status]'))).toBe('That code is not right. 4 attempts left.');

    await widget.locator('#code').fill(code);
    await widget.locator('button[type=submit]').click();
    await expect.poll(() => text(widget.locator('.done .title'))).toBe('Phone number verified');
  });

  it('shows the resend countdown from the first send and resends when it ends', async () => {
    const page = await open();
    const widget = page.locator('proofline-verify');
    const number = freshUkMobile();
    await sendCode(widget, number.national);
    const resend = widget.locator('button[part~=resend]');
    expect(await text(resend)).toMatch(/^Resend code in 0:(30|2\d)$/);
    expect(await resend.isDisabled()).toBe(true);

    clock.advance(31_000);
    await page.clock.fastForward(31_000);
    await expect.poll(() => text(resend)).toBe('Resend code');
    await resend.click();
    await expect.poll(async () => (await latestCode(stack, number.e164)).count).toBe(2);
    expect((await latestCode(stack, number.e164)).channel).toBe('sms');
    // The wait grows with each send: 30 s, then 60 s.
    await expect.poll(() => text(resend)).toMatch(/^Resend code in (1:00|0:5\d)$/);
  });

  it('switches to another channel of the site without retyping the number', async () => {
    const page = await open();
    const widget = page.locator('proofline-verify');
    const number = freshUkMobile();
    await sendCode(widget, number.national);
    clock.advance(31_000);
    await page.clock.fastForward(31_000);
    await widget.locator('button[data-channel=whatsapp]').click();
    await expect.poll(async () => (await latestCode(stack, number.e164)).channel).toBe('whatsapp');
    await expect.poll(() => text(widget.locator('#code-sent'))).toContain('We sent a code on WhatsApp to');
    const { code } = await latestCode(stack, number.e164);
    await widget.locator('#code').fill(code);
    await widget.locator('#code').press('Enter');
    await expect.poll(() => text(widget.locator('.done .title'))).toBe('Phone number verified');
  });

  it('offers a new code when the code has expired', async () => {
    const page = await open();
    const widget = page.locator('proofline-verify');
    const number = freshUkMobile();
    await sendCode(widget, number.national);
    const { code } = await latestCode(stack, number.e164);
    clock.advance(11 * 60_000);
    await page.clock.fastForward(11 * 60_000);
    await widget.locator('#code').fill(code);
    await widget.locator('#code').press('Enter');
    await expect
      .poll(() => text(widget.locator('.problem .title')))
      .toBe('The code has expired. Ask for a new one.');
    const [error] = (await events(page, 'proofline-error')) as { detail: { code: string } }[];
    expect(error?.detail.code).toBe('expired');
    expect(
      await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.textContent?.trim()),
    ).toBe('Send a new code');

    await widget.locator('button.forward').click();
    await widget.locator('#code').waitFor();
    await expect.poll(async () => (await latestCode(stack, number.e164)).count).toBe(2);
    const fresh = await latestCode(stack, number.e164);
    await widget.locator('#code').fill(fresh.code);
    await widget.locator('#code').press('Enter');
    await expect.poll(() => text(widget.locator('.done .title'))).toBe('Phone number verified');
  });

  it('goes back to the number on "change number", keeping it and moving focus there', async () => {
    const page = await open();
    const widget = page.locator('proofline-verify');
    const number = freshUkMobile();
    await sendCode(widget, number.national);
    await widget.locator('button[part~=change-number]').click();
    await widget.locator('#phone').waitFor();
    expect(await widget.locator('#phone').inputValue()).toBe(number.national);
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id)).toBe('phone');
  });

  it('can be used with the keyboard alone', async () => {
    const page = await open(
      '',
      `<button id="before">before</button><proofline-verify site-key="pk_test_demo" default-country="GB" ${OTP_ONLY}></proofline-verify>`,
    );
    const number = freshUkMobile();
    await page.locator('#before').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id)).toBe('country');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id)).toBe('phone');
    await page.keyboard.type(number.national);
    await page.keyboard.press('Enter');
    await page.locator('proofline-verify #code').waitFor();
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id)).toBe('code');
    await page.keyboard.type((await latestCode(stack, number.e164)).code);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => text(page.locator('proofline-verify .done .title')))
      .toBe('Phone number verified');
  });

  it('keeps two widgets on one page independent', async () => {
    const page = await open(
      '',
      `<proofline-verify id="a" site-key="pk_test_demo" default-country="GB" name="first" ${OTP_ONLY}></proofline-verify>
       <proofline-verify id="b" site-key="pk_test_demo" default-country="GB" name="second" locale="fr" ${OTP_ONLY}></proofline-verify>`,
    );
    const a = page.locator('#a');
    const b = page.locator('#b');
    const number = freshUkMobile();
    await sendCode(a, number.national);
    expect(await b.locator('#phone').isVisible()).toBe(true);
    expect(await text(b.locator('label[for=phone]'))).toBe('Numéro de téléphone');
    await a.locator('#code').fill((await latestCode(stack, number.e164)).code);
    await a.locator('#code').press('Enter');
    await expect.poll(() => text(a.locator('.done .title'))).toBe('Phone number verified');
    expect(
      await page.evaluate(() =>
        (document.querySelector('#b') as HTMLElement & { getResponse(): unknown }).getResponse(),
      ),
    ).toBeUndefined();
    expect(await b.locator('#phone').isVisible()).toBe(true);
  });

  it('starts from a prefilled number and offers only the channels the page lists', async () => {
    const number = freshUkMobile();
    const page = await open(`phone="${number.e164}" channels="sms voice"`);
    const widget = page.locator('proofline-verify');
    await expect.poll(() => widget.locator('#phone').inputValue()).toBe(`+44 ${number.national.slice(1)}`);
    await widget.locator('button[type=submit]').click();
    await widget.locator('#code').waitFor();
    const offered = await widget
      .locator('button[data-channel]')
      .evaluateAll((buttons) => buttons.map((button) => button.getAttribute('data-channel')));
    expect(offered).toEqual(['voice']);
  });

  it('verifies a known number as given with phone-readonly: no editing, no other number', async () => {
    const number = freshUkMobile();
    const page = await open(`phone="${number.e164}" phone-readonly channels="sms"`);
    const widget = page.locator('proofline-verify');
    await expect.poll(() => widget.locator('#phone').inputValue()).toBe(`+44 ${number.national.slice(1)}`);
    expect(await widget.locator('#phone').getAttribute('readonly')).not.toBeNull();
    expect(await widget.locator('#country').isDisabled()).toBe(true);
    await widget.locator('button[type=submit]').click();
    await widget.locator('#code').waitFor();
    expect(await widget.locator('button[part~=change-number]').count()).toBe(0);
    await widget.locator('#code').fill((await latestCode(stack, number.e164)).code);
    await widget.locator('#code').press('Enter');
    await widget.locator('.done').waitFor();
  });

  it('tells the user to wait when the number asked for too many codes, counting down', async () => {
    const page = await open();
    const widget = page.locator('proofline-verify');
    const number = freshUkMobile();
    // The per-number limit (5 in 10 minutes) spans verifications started again with the same number.
    for (let send = 0; send < 5; send++) {
      await sendCode(widget, number.national);
      await widget.locator('button[part~=change-number]').click();
      await widget.locator('#phone').waitFor();
    }
    await widget.locator('button[type=submit]').click();
    const help = widget.locator('#phone-help');
    await expect.poll(() => text(help)).toMatch(/^Too many attempts\. Try again in \d+:\d\d\.$/);
    expect(await widget.locator('button[type=submit]').isDisabled()).toBe(true);
    const [error] = (await events(page, 'proofline-error')) as {
      detail: { code: string; message: string };
    }[];
    expect(error?.detail.code).toBe('rate_limited');
    // Typing a different number clears the message and the wait.
    await widget.locator('#phone').fill(freshUkMobile().national);
    expect(await text(help)).toBe('We will check that this number is yours.');
  });

  it('explains a refusal of the server next to the number', async () => {
    const page = await open();
    const widget = page.locator('proofline-verify');
    // A UK premium-rate number: valid, but the demo site blocks premium lines.
    await widget.locator('#phone').fill('09098 790123');
    await widget.locator('button[type=submit]').click();
    await expect
      .poll(() => text(widget.locator('#phone-help')))
      .toBe('This kind of number cannot be used here. Use a mobile number.');
    expect(await widget.locator('#phone').getAttribute('aria-invalid')).toBe('true');
  });

  it('clears the token after its 300 s lifetime, fires expired and offers to verify again', async () => {
    const page = await open('expired-callback="onExpired"');
    await page.evaluate(() => {
      (window as unknown as { expiredCalls: number }).expiredCalls = 0;
      (window as unknown as { onExpired: () => void }).onExpired = () => {
        (window as unknown as { expiredCalls: number }).expiredCalls++;
      };
    });
    const widget = page.locator('proofline-verify');
    const number = freshUkMobile();
    await sendCode(widget, number.national);
    await widget.locator('#code').fill((await latestCode(stack, number.e164)).code);
    await widget.locator('#code').press('Enter');
    await widget.locator('.done').waitFor();
    expect(await page.evaluate(() => document.querySelector('proofline-verify')!.getResponse())).toBeTruthy();

    await page.clock.fastForward(301_000);
    await expect
      .poll(() => text(widget.locator('.problem .title')))
      .toBe('Your verification has expired. Verify your number again.');
    expect(await events(page, 'proofline-expired')).toHaveLength(1);
    expect(await page.evaluate(() => (window as unknown as { expiredCalls: number }).expiredCalls)).toBe(1);
    expect(
      await page.evaluate(() => document.querySelector('proofline-verify')!.getResponse()),
    ).toBeUndefined();
    expect(await text(widget.locator('button.forward'))).toBe('Verify again');
  });

  it('keeps its step when the page moves it to another place', async () => {
    const page = await open(
      '',
      `<div id="one"><proofline-verify site-key="pk_test_demo" default-country="GB" ${OTP_ONLY}></proofline-verify></div><div id="two"></div>`,
    );
    const widget = page.locator('proofline-verify');
    const number = freshUkMobile();
    await sendCode(widget, number.national);
    await page.evaluate(() =>
      document.querySelector('#two')!.append(document.querySelector('proofline-verify')!),
    );
    await page.locator('#two proofline-verify #code').fill((await latestCode(stack, number.e164)).code);
    await page.locator('#two proofline-verify #code').press('Enter');
    await expect.poll(() => text(widget.locator('.done .title'))).toBe('Phone number verified');
  });

  it('says a blocked number cannot be verified and offers another number', async () => {
    const rule = await fetch(`${stack.server.url}/v1/workflows/rules`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_demo', 'content-type': 'application/json' },
      body: JSON.stringify({
        rule_id: 'block-uk',
        trigger: 'verification_started',
        conditions: { all: [{ field: 'country', operator: 'eq', value: 'GB' }] },
        actions: [{ type: 'block', reason: 'no UK numbers in this test' }],
      }),
    });
    expect(rule.status).toBeLessThan(300);
    const page = await open();
    const widget = page.locator('proofline-verify');
    await widget.locator('#phone').fill(freshUkMobile().national);
    await widget.locator('button[type=submit]').click();
    await expect
      .poll(() => text(widget.locator('.problem .title')))
      .toBe('This number cannot be verified. Try another number.');
    const [error] = (await events(page, 'proofline-error')) as { detail: { code: string } }[];
    expect(error?.detail.code).toBe('blocked');
    expect(await axeViolations(page)).toEqual([]);
    await widget.locator('button.forward').click();
    await widget.locator('#phone').waitFor();
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id)).toBe('phone');
  });
});
