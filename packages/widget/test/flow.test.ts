import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { events, recordEvents, textOf as text, useBrowserFixture } from './support/fixture.js';
import { axeViolations, freshUkMobile, latestCode } from './support/stack.js';

// Each test gets its own server: the per-IP send limit (10 per 10 minutes, all from 127.0.0.1 here)
// would otherwise couple the tests. The browser's clock is set to the server's so countdowns agree.
const fixture = useBrowserFixture({ perTest: true, manualClock: true });

/**
 * These tests are about the code path: a page listing no `silent` skips silent verification (the
 * silent path has its own tests). Attributes given first win, so a test can still set `channels`.
 */
const OTP_ONLY = 'channels="sms whatsapp voice"';

async function open(attributes = '', body?: string): Promise<Page> {
  const { page } = await fixture.open({
    body:
      body ??
      `<proofline-verify site-key="pk_test_demo" default-country="GB" ${attributes} ${OTP_ONLY}></proofline-verify>`,
  });
  await recordEvents(page);
  return page;
}

async function sendCode(widget: Locator, national: string): Promise<void> {
  await widget.locator('#phone').fill(national);
  await widget.locator('button[type=submit]').click();
  await widget.locator('#code, .error, .problem').first().waitFor();
  if (!(await widget.locator('#code').count())) {
    throw new Error(`no code step: ${await text(widget.locator('.error, .problem').first())}`);
  }
}

/** Opens a page and sends a code to a fresh number: the code step. */
async function atCodeStep(
  attributes = '',
  body?: string,
): Promise<{ page: Page; widget: Locator; number: { national: string; e164: string } }> {
  const page = await open(attributes, body);
  const widget = page.locator('proofline-verify');
  const number = freshUkMobile();
  await sendCode(widget, number.national);
  return { page, widget, number };
}

/** Types a code and submits it with Enter. */
async function enterCode(widget: Locator, code: string): Promise<void> {
  await widget.locator('#code').fill(code);
  await widget.locator('#code').press('Enter');
}

/** Sends codes to one number until the per-number limit refuses one (whatever the policy's figure). */
async function sendUntilLimited(widget: Locator, national: string): Promise<void> {
  for (let send = 0; send < 20; send++) {
    await widget.locator('#phone').fill(national);
    await widget.locator('button[type=submit]').click();
    await widget.locator('#code, .message.notice').first().waitFor();
    if (await widget.locator('.message.notice').count()) return;
    await widget.locator('button[part~=change-number]').click();
    await widget.locator('#phone').waitFor();
  }
  throw new Error('the number was never limited');
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

    const { code } = await latestCode(fixture.stack, number.e164);
    await enterCode(widget, code);
    await expect.poll(() => text(widget.locator('.done .title'))).toBe('Phone number verified');

    const [verified] = await events(page, 'proofline-verified');
    expect(verified?.phone).toBe(number.e164);
    expect(verified?.method).toBe('otp');
    const token = verified!.token;
    expect(await page.evaluate(() => document.querySelector('proofline-verify')!.getResponse())).toBe(token);
    expect(
      await page.evaluate(() => new FormData(document.querySelector('form')!).get('proofline-token')),
    ).toBe(token);
    expect(
      await page.evaluate(() => document.querySelector('proofline-verify')!.matches(':state(verified)')),
    ).toBe(true);
    const states = (await events(page, 'proofline-state')).map((detail) => detail.state);
    expect(states.slice(states.indexOf('sending'))).toEqual(['sending', 'code', 'verified']);

    // The site's backend checks the submitted token with its secret, once.
    const siteverify = () =>
      fetch(`${fixture.stack.server.url}/v1/siteverify`, {
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
    await enterCode(widget, (await latestCode(fixture.stack, number.e164)).code);
    await widget.locator('.done').waitFor();
    await page.locator('#send').click();
    await expect.poll(() => body).not.toBeNull();
    const fields = new URLSearchParams(body!);
    expect(fields.get('email')).toBe('a@example.com');
    expect(fields.get('phone-proof')?.length).toBeGreaterThan(20);
  });

  it('says a wrong code is wrong, counts attempts, then takes the right one', async () => {
    const { widget, number } = await atCodeStep();
    const { code } = await latestCode(fixture.stack, number.e164);
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
    const { page, widget, number } = await atCodeStep();
    const resend = widget.locator('button[part~=resend]');
    expect(await text(resend)).toMatch(/^Resend code in 0:(30|2\d)$/);
    expect(await resend.isDisabled()).toBe(true);

    await fixture.advance(page, 31_000);
    await expect.poll(() => text(resend)).toBe('Resend code');
    await resend.click();
    await expect.poll(async () => (await latestCode(fixture.stack, number.e164)).count).toBe(2);
    expect((await latestCode(fixture.stack, number.e164)).channel).toBe('sms');
    // The wait grows with each send: 30 s, then 60 s.
    await expect.poll(() => text(resend)).toMatch(/^Resend code in (1:00|0:5\d)$/);
    expect(await resend.isDisabled()).toBe(true);
  });

  it('switches to another channel of the site without retyping the number', async () => {
    const { page, widget, number } = await atCodeStep();
    await fixture.advance(page, 31_000);
    await widget.locator('button[data-channel=whatsapp]').click();
    await expect.poll(async () => (await latestCode(fixture.stack, number.e164)).channel).toBe('whatsapp');
    await expect.poll(() => text(widget.locator('#code-sent'))).toContain('We sent a code on WhatsApp to');
    const { code } = await latestCode(fixture.stack, number.e164);
    await enterCode(widget, code);
    await expect.poll(() => text(widget.locator('.done .title'))).toBe('Phone number verified');
  });

  it('keeps the switch-channel links disabled with the countdown during the cooldown', async () => {
    const page = await open();
    const widget = page.locator('proofline-verify');
    await sendCode(widget, freshUkMobile().national);
    const whatsapp = widget.locator('button[data-channel=whatsapp]');
    expect(await whatsapp.isDisabled()).toBe(true);
    expect(await text(whatsapp)).toMatch(/^Use WhatsApp instead \(0:(30|2\d)\)$/);
    await fixture.advance(page, 31_000);
    await expect.poll(() => text(whatsapp)).toBe('Use WhatsApp instead');
    expect(await whatsapp.isDisabled()).toBe(false);
  });

  it('asks for an email address when the user picks email, then verifies with the emailed code', async () => {
    const page = await open('channels="sms email"');
    const widget = page.locator('proofline-verify');
    await sendCode(widget, freshUkMobile().national);
    await fixture.advance(page, 31_000);
    await widget.locator('button[data-channel=email]').click();
    const email = widget.locator('#email');
    await email.waitFor();
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id)).toBe('email');
    expect(await email.getAttribute('type')).toBe('email');
    expect(await email.getAttribute('autocomplete')).toBe('email');

    await email.pressSequentially('not an address');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => text(widget.locator('#email-help')))
      .toBe('Enter a valid email address, like name@example.com.');
    expect(await email.getAttribute('aria-invalid')).toBe('true');

    const address = `user-${Math.random().toString(36).slice(2)}@example.com`;
    await email.fill(address);
    await page.keyboard.press('Enter');
    await widget.locator('#code').waitFor();
    await expect.poll(() => text(widget.locator('#code-sent'))).toMatch(/^We sent a code by email to .+\.$/);
    const { code, channel } = await latestCode(fixture.stack, address);
    expect(channel).toBe('email');
    await widget.locator('#code').pressSequentially(code);
    await page.keyboard.press('Enter');
    await expect.poll(() => text(widget.locator('.done .title'))).toBe('Email address verified');
  });

  it('never starts with email or voice, even when the page lists them first', async () => {
    const { widget, number } = await atCodeStep('channels="email voice sms"');
    expect((await latestCode(fixture.stack, number.e164)).channel).toBe('sms');
    expect(
      await widget
        .locator('button[data-channel]')
        .evaluateAll((links) => links.map((l) => l.dataset.channel)),
    ).toEqual(['email', 'voice']);
  });

  it('offers a new code when the code has expired', async () => {
    const { page, widget, number } = await atCodeStep();
    const { code } = await latestCode(fixture.stack, number.e164);
    await fixture.advance(page, 11 * 60_000);
    await enterCode(widget, code);
    await expect
      .poll(() => text(widget.locator('.problem .title')))
      .toBe('The code has expired. Ask for a new one.');
    const [error] = await events(page, 'proofline-error');
    expect(error?.code).toBe('expired');
    expect(
      await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.textContent?.trim()),
    ).toBe('Send a new code');

    await widget.locator('button.forward').click();
    await widget.locator('#code').waitFor();
    await expect.poll(async () => (await latestCode(fixture.stack, number.e164)).count).toBe(2);
    const fresh = await latestCode(fixture.stack, number.e164);
    await enterCode(widget, fresh.code);
    await expect.poll(() => text(widget.locator('.done .title'))).toBe('Phone number verified');
  });

  it('goes back to the number on "change number", keeping it and moving focus there', async () => {
    const { page, widget, number } = await atCodeStep();
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
    await page.keyboard.type((await latestCode(fixture.stack, number.e164)).code);
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
    await enterCode(a, (await latestCode(fixture.stack, number.e164)).code);
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
    await enterCode(widget, (await latestCode(fixture.stack, number.e164)).code);
    await widget.locator('.done').waitFor();
  });

  it('tells the user to wait when the number asked for too many codes, counting down', async () => {
    const page = await open();
    const widget = page.locator('proofline-verify');
    const number = freshUkMobile();
    await sendUntilLimited(widget, number.national);
    const help = widget.locator('#phone-help');
    await expect
      .poll(() => text(help))
      .toMatch(/^You have asked for several codes in a short time\. You can try again in \d+:\d\d\.$/);
    // A limit is a wait, not a mistake: the number is not marked wrong and the message is not red.
    expect(await widget.locator('#phone').getAttribute('aria-invalid')).toBe('false');
    expect(await help.getAttribute('class')).toBe('message notice');
    expect(await widget.locator('button[type=submit]').isDisabled()).toBe(true);
    const [error] = await events(page, 'proofline-error');
    expect(error?.code).toBe('rate_limited');
    // Typing a different number clears the message and the wait.
    await widget.locator('#phone').fill(freshUkMobile().national);
    expect(await text(help)).toBe('We will check that this number is yours.');
  });

  it('ends the wait when it is over instead of freezing the countdown', async () => {
    const page = await open();
    const widget = page.locator('proofline-verify');
    const number = freshUkMobile();
    await sendUntilLimited(widget, number.national);
    const help = widget.locator('#phone-help');
    await expect.poll(() => text(help)).toMatch(/You can try again in \d+:\d\d\.$/);
    const first = await text(help);
    await fixture.advance(page, 5_000);
    await expect.poll(() => text(help)).not.toBe(first);
    await fixture.advance(page, 11 * 60_000);
    await expect.poll(() => text(help)).toBe('We will check that this number is yours.');
    expect(await widget.locator('button[type=submit]').isDisabled()).toBe(false);
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
    await enterCode(widget, (await latestCode(fixture.stack, number.e164)).code);
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
    const { page, widget, number } = await atCodeStep(
      '',
      `<div id="one"><proofline-verify site-key="pk_test_demo" default-country="GB" ${OTP_ONLY}></proofline-verify></div><div id="two"></div>`,
    );
    await page.evaluate(() =>
      document.querySelector('#two')!.append(document.querySelector('proofline-verify')!),
    );
    await page
      .locator('#two proofline-verify #code')
      .fill((await latestCode(fixture.stack, number.e164)).code);
    await page.locator('#two proofline-verify #code').press('Enter');
    await expect.poll(() => text(widget.locator('.done .title'))).toBe('Phone number verified');
  });

  it('says a blocked number cannot be verified and offers another number', async () => {
    const rule = await fetch(`${fixture.stack.server.url}/v1/workflows/rules`, {
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
    const [error] = await events(page, 'proofline-error');
    expect(error?.code).toBe('blocked');
    expect(await axeViolations(page)).toEqual([]);
    await widget.locator('button.forward').click();
    await widget.locator('#phone').waitFor();
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id)).toBe('phone');
  });
});
