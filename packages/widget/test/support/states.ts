import type { ManualClock } from '@proofline/server';
import type { Locator, Page } from 'playwright-core';
import { freshUkMobile, latestCode, type Stack } from './stack.js';

export type VisitedState =
  | 'phone'
  | 'phone-error'
  | 'code'
  | 'email'
  | 'email-error'
  | 'code-error'
  | 'expired'
  | 'verified';

/**
 * Drives one widget through every state a user can meet on the OTP path, calling `visit` in each:
 * empty phone step, a phone error, the code step, the email step and its error (when the page offers
 * email), a wrong code, an expired code, verified.
 * The page's clock must be installed at the server clock's time (`page.clock.install`).
 */
export async function walkStates(
  page: Page,
  widget: Locator,
  stack: Stack,
  clock: ManualClock,
  visit: (state: VisitedState) => Promise<void>,
): Promise<void> {
  const number = freshUkMobile();
  await widget.locator('#phone').waitFor();
  await visit('phone');

  await widget.locator('button[type=submit]').click();
  await widget.locator('#phone[aria-invalid=true]').waitFor();
  await visit('phone-error');

  await widget.locator('#phone').fill(number.national);
  await widget.locator('button[type=submit]').click();
  await widget.locator('#code').waitFor();
  await visit('code');

  if (await widget.locator('button[data-channel=email]').count()) {
    clock.advance(31_000);
    await page.clock.fastForward(31_000);
    await widget.locator('button[data-channel=email]').click();
    await widget.locator('#email').waitFor();
    await visit('email');
    await widget.locator('#email').fill('not an address');
    await widget.locator('#email').press('Enter');
    await widget.locator('#email[aria-invalid=true]').waitFor();
    await visit('email-error');
    await widget.locator('button[part~=back]').click();
    await widget.locator('#code').waitFor();
  }

  const { code } = await latestCode(stack, number.e164);
  await widget.locator('#code').fill(code === '000000' ? '111111' : '000000');
  await widget.locator('#code').press('Enter');
  await widget.locator('#code[aria-invalid=true]').waitFor();
  await visit('code-error');

  clock.advance(11 * 60_000);
  await page.clock.fastForward(11 * 60_000);
  await widget.locator('#code').fill(code);
  await widget.locator('#code').press('Enter');
  await widget.locator('.problem').waitFor();
  await visit('expired');

  await widget.locator('button.forward').click();
  await widget.locator('#code').waitFor();
  const fresh = await latestCode(stack, number.e164);
  await widget.locator('#code').fill(fresh.code);
  await widget.locator('#code').press('Enter');
  await widget.locator('.done').waitFor();
  await visit('verified');
}
