import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserFixture } from './support/fixture.js';

const fixture = useBrowserFixture();

async function open(attributes: string, locale = 'en-US'): Promise<Page> {
  return (await fixture.open({ attributes, context: { locale } })).page;
}

const selectedCountry = (page: Page) => page.locator('proofline-verify #country').inputValue();
const phoneValue = (page: Page) => page.locator('proofline-verify #phone').inputValue();

/** Types like a user (one key event per character) and waits for the formatted value. */
async function typeNumber(page: Page, text: string): Promise<void> {
  await page.locator('proofline-verify #phone').click();
  await page.keyboard.type(text);
}

describe('phone step', () => {
  it('renders a labelled tel field that autofill and mobile keyboards understand', async () => {
    const page = await open('default-country="GB"');
    const phone = page.locator('proofline-verify #phone');
    expect(await phone.getAttribute('type')).toBe('tel');
    expect(await phone.getAttribute('inputmode')).toBe('tel');
    expect(await phone.getAttribute('autocomplete')).toBe('tel');
    expect(await phone.getAttribute('dir')).toBe('ltr');
    await expect.poll(() => page.getByLabel('Phone number').count()).toBe(1);
    expect(await page.getByLabel('Country').count()).toBe(1);
    expect(await phone.getAttribute('aria-describedby')).toBe('phone-help');
    expect(await selectedCountry(page)).toBe('GB');
  });

  it('formats a national number as it is typed', async () => {
    const page = await open('default-country="GB"');
    await typeNumber(page, '07400123456');
    await expect.poll(() => phoneValue(page)).toBe('07400 123456');
  });

  it('takes the default country from the browser language when none is given', async () => {
    const page = await open('', 'de-DE');
    expect(await selectedCountry(page)).toBe('DE');
  });

  it('switches the country when a number is pasted in international form', async () => {
    const page = await open('default-country="US"');
    await page.locator('proofline-verify #phone').fill('+44 7400 123456');
    await expect.poll(() => selectedCountry(page)).toBe('GB');
    await expect.poll(() => phoneValue(page)).toBe('+44 7400 123456');
  });

  it('reads 00 as the international prefix', async () => {
    const page = await open('default-country="US"');
    await page.locator('proofline-verify #phone').fill('0044 7400 123456');
    await expect.poll(() => selectedCountry(page)).toBe('GB');
    await expect.poll(() => phoneValue(page)).toBe('+44 7400 123456');
  });

  it('keeps a pasted national number in the selected country and normalizes its format', async () => {
    const page = await open('default-country="US"');
    await page.locator('proofline-verify #phone').fill('(415) 555-1234');
    await expect.poll(() => phoneValue(page)).toBe('(415) 555-1234');
    await page.locator('proofline-verify #phone').fill('415.555.1234');
    await expect.poll(() => phoneValue(page)).toBe('(415) 555-1234');
    expect(await selectedCountry(page)).toBe('US');
  });

  it('lists only allowed countries, preferred ones first', async () => {
    const page = await open('countries="FR DE GB ES" preferred-countries="GB"');
    const options = await page
      .locator('proofline-verify #country option')
      .evaluateAll((list) => list.map((option) => (option as HTMLOptionElement).value));
    expect(options).toEqual(['GB', 'FR', 'DE', 'ES']);
  });

  it.each([
    ['', 'Enter your phone number.'],
    ['0770', 'This number is too short.'],
    ['074001234564567', 'This number is too long.'],
    ['01000 000000', 'This is not a valid phone number. Check the country and the digits.'],
  ])('explains what is wrong with %j', async (typed, message) => {
    const page = await open('default-country="GB"');
    if (typed) await page.locator('proofline-verify #phone').fill(typed);
    await page.locator('proofline-verify button[type=submit]').click();
    const help = page.locator('proofline-verify #phone-help');
    await expect.poll(() => help.textContent().then((text) => text?.trim())).toBe(message);
    expect(await page.locator('proofline-verify #phone').getAttribute('aria-invalid')).toBe('true');
    // Focus goes back to the number so it can be corrected at once.
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id)).toBe('phone');
  });

  it('refuses a number of a country the page does not accept, naming the country', async () => {
    const page = await open('countries="US CA" default-country="US"');
    await page.locator('proofline-verify #phone').fill('+44 7400 123456');
    await page.locator('proofline-verify button[type=submit]').click();
    const help = page.locator('proofline-verify #phone-help');
    await expect
      .poll(() => help.textContent().then((text) => text?.trim()))
      .toBe('Numbers from United Kingdom cannot be used here.');
    expect(await selectedCountry(page)).toBe('US');
  });

  it('loads only the metadata of the countries in use', async () => {
    const scripts: string[] = [];
    const { page } = await fixture.open({
      attributes: 'default-country="FR"',
      before: (page) =>
        page.on('request', (request) => {
          if (request.url().endsWith('.js')) scripts.push(new URL(request.url()).pathname.split('/').pop()!);
        }),
    });
    await page.locator('proofline-verify #phone').fill('0612345678');
    await expect.poll(() => phoneValue(page)).toBe('06 12 34 56 78');
    await page.locator('proofline-verify #phone').fill('+49 151 23456789');
    await expect.poll(() => selectedCountry(page)).toBe('DE');
    const metadata = scripts.filter((name) => name.startsWith('phone-')).map((name) => name.split('-')[1]);
    expect(metadata.sort()).toEqual(['33', '49']);
  });
});
