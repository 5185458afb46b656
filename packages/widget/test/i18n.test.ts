import { describe, expect, it } from 'vitest';
import de from '../src/translations/de.js';
import en from '../src/translations/en.js';
import es from '../src/translations/es.js';
import fr from '../src/translations/fr.js';
import { resolveLocale } from '../src/translations/index.js';
import { text, useBrowserFixture } from './support/fixture.js';

const fixture = useBrowserFixture();

/** Every string a dictionary yields, calling functions with sample arguments. */
function strings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (typeof value === 'function') {
    // Error texts take what varies as one object; the others take positional arguments.
    const args = path.startsWith('errors.')
      ? [{ wait: '0:42', country: 'France', length: 6 }]
      : ['sms', '+44 •••• ••0123'];
    const sample = (value as (...args: unknown[]) => unknown)(...args);
    return strings(sample, path);
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => strings(inner, path ? `${path}.${key}` : key));
  }
  return [[path, String(value)]];
}

describe('translations', () => {
  it('every language has every string, none empty and none left in English', () => {
    const english = new Map(strings(en));
    for (const dictionary of [es, fr, de]) {
      const own = new Map(strings(dictionary));
      expect([...own.keys()].sort()).toEqual([...english.keys()].sort());
      for (const [key, value] of own) {
        expect(value.length, key).toBeGreaterThan(0);
        if (!key.startsWith('$')) expect(value, `${dictionary.$code}.${key}`).not.toBe(english.get(key));
      }
    }
  });

  it('picks the first supported language of the browser, else English', () => {
    expect(resolveLocale('auto', ['pt-BR', 'fr-CA', 'en'])).toBe('fr');
    expect(resolveLocale(undefined, ['ja'])).toBe('en');
    expect(resolveLocale('de-AT', ['fr'])).toBe('de');
    expect(resolveLocale('xx', ['fr'])).toBe('en');
  });

  it.each([
    ['es', 'Número de teléfono', 'Continuar', 'País'],
    ['fr', 'Numéro de téléphone', 'Continuer', 'Pays'],
    ['de', 'Telefonnummer', 'Weiter', 'Land'],
  ])(
    'speaks %s when asked by attribute, labels and country names included',
    async (locale, label, submit, country) => {
      const { page } = await fixture.open({
        attributes: `locale="${locale}" default-country="DE"`,
      });
      const widget = page.locator('proofline-verify');
      await expect.poll(async () => text(await widget.locator('label[for=phone]').textContent())).toBe(label);
      expect(text(await widget.locator('button[type=submit]').textContent())).toBe(submit);
      expect(await widget.locator('#country').getAttribute('aria-label')).toBe(country);
      const germany = new Intl.DisplayNames([locale], { type: 'region' }).of('DE');
      expect(text(await widget.locator('#country option[value=DE]').textContent())).toBe(`${germany} (+49)`);
      expect(await widget.locator('.base').getAttribute('lang')).toBe(locale);
    },
  );

  it('follows the browser language on auto and switches when the attribute changes', async () => {
    const { page } = await fixture.open({
      context: { locale: 'fr-FR' },
    });
    const label = page.locator('proofline-verify label[for=phone]');
    await expect.poll(async () => text(await label.textContent())).toBe('Numéro de téléphone');
    await page.evaluate(() => document.querySelector('proofline-verify')!.setAttribute('locale', 'de'));
    await expect.poll(async () => text(await label.textContent())).toBe('Telefonnummer');
    await page.evaluate(() => document.querySelector('proofline-verify')!.setAttribute('locale', 'en'));
    await expect.poll(async () => text(await label.textContent())).toBe('Phone number');
  });

  it("speaks the site's language from its settings on every load when the page says auto", async () => {
    const settings = (locale: string) =>
      fetch(`${fixture.stack.server.url}/v1/settings/phone-verification`, {
        method: 'PUT',
        headers: { authorization: 'Bearer sk_test_demo', 'content-type': 'application/json' },
        body: JSON.stringify({ locale }),
      }).then((response) => expect(response.status).toBe(200));
    await settings('de');
    try {
      const { page } = await fixture.open({
        context: { locale: 'en-US' },
      });
      const label = page.locator('proofline-verify label[for=phone]');
      await expect.poll(async () => text(await label.textContent())).toBe('Telefonnummer');
      await page.reload();
      await expect.poll(async () => text(await label.textContent())).toBe('Telefonnummer');
      // The page's own attribute still wins over the site's setting.
      await page.evaluate(() => document.querySelector('proofline-verify')!.setAttribute('locale', 'es'));
      await expect.poll(async () => text(await label.textContent())).toBe('Número de teléfono');
    } finally {
      await settings('auto');
    }
  });

  it('mirrors the layout in a right-to-left page but keeps the number left-to-right', async () => {
    const { page } = await fixture.open({
      dir: 'rtl',
      lang: 'ar',
      attributes: 'default-country="GB"',
    });
    const widget = page.locator('proofline-verify');
    await widget.locator('#phone').fill('07400123456');
    await expect.poll(() => widget.locator('#phone').inputValue()).toBe('07400 123456');
    const country = (await widget.locator('.country').boundingBox())!;
    const phone = (await widget.locator('#phone').boundingBox())!;
    // In RTL the country (first in the row) sits to the right of the number.
    expect(country.x).toBeGreaterThan(phone.x);
    expect(await widget.locator('#phone').evaluate((input) => getComputedStyle(input).direction)).toBe('ltr');
    expect(await widget.locator('.base').evaluate((base) => getComputedStyle(base).direction)).toBe('rtl');
    const submit = (await widget.locator('button[type=submit]').boundingBox())!;
    expect(submit.width).toBeGreaterThan(phone.width);
  });
});
