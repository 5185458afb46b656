import { describe, expect, it } from 'vitest';
import { chooseLocale, type RenderMessageInput, renderMessage } from '../../src/messaging/index.js';
import { isGsm7, toGsm7 } from '../../src/messaging/templates/index.js';

const base: RenderMessageInput = {
  channel: 'sms',
  code: '482913',
  brand: 'Acme',
  domain: 'acme.test',
  minutes: 10,
};

describe('chooseLocale', () => {
  it('takes the requested language when it is shipped, whatever the region', () => {
    expect(chooseLocale('es-MX', 'DE')).toBe('es');
    expect(chooseLocale('FR_ca', null)).toBe('fr');
    expect(chooseLocale('de', 'US')).toBe('de');
  });

  it("falls back to the number's country, then English", () => {
    expect(chooseLocale('it', 'AR')).toBe('es');
    expect(chooseLocale(undefined, 'MX')).toBe('es');
    expect(chooseLocale(undefined, 'be')).toBe('fr');
    expect(chooseLocale(null, 'AT')).toBe('de');
    expect(chooseLocale(null, 'CH')).toBe('de');
    expect(chooseLocale(null, 'GB')).toBe('en');
    expect(chooseLocale('zz', undefined)).toBe('en');
  });
});

describe('renderMessage', () => {
  it('writes the SMS with brand, code, validity, a do-not-share sentence and the origin-bound last line', () => {
    const { body, subject, locale } = renderMessage(base);
    expect(locale).toBe('en');
    expect(subject).toBeUndefined();
    expect(body).toBe(
      'Acme: your verification code is 482913. It is valid for 10 minutes. Do not share this code with anyone.\n' +
        '@acme.test #482913',
    );
  });

  it.each([
    [
      'es',
      'Acme: tu codigo de verificacion es 482913. Es valido durante 10 minutos. No compartas este codigo con nadie.',
    ],
    [
      'fr',
      'Acme : votre code de vérification est 482913. Il est valable 10 minutes. Ne partagez ce code avec personne.',
    ],
    [
      'de',
      'Acme: Ihr Bestätigungscode lautet 482913. Er ist 10 Minuten gültig. Geben Sie diesen Code an niemanden weiter.',
    ],
  ])('writes the SMS in %s', (locale, firstLine) => {
    const lines = renderMessage({ ...base, locale }).body.split('\n');
    expect(lines).toEqual([firstLine, '@acme.test #482913']);
  });

  it.each(['en', 'es', 'fr', 'de'])(
    'keeps the %s SMS in GSM-7, one segment and within the 140 bytes of SMS Retriever',
    (locale) => {
      const { body } = renderMessage({
        ...base,
        locale,
        brand: 'Acme Shop',
        domain: 'shop.example.com',
        appHash: 'FA+9qCX9VSu',
      });
      expect(isGsm7(body)).toBe(true);
      expect(body.length).toBeLessThanOrEqual(160);
      expect(Math.ceil((body.length * 7) / 8)).toBeLessThanOrEqual(140);
    },
  );

  it('keeps accents in channels that are not SMS', () => {
    expect(renderMessage({ ...base, channel: 'whatsapp', locale: 'es' }).body).toContain(
      'código de verificación',
    );
  });

  it('uses the singular for one minute', () => {
    expect(renderMessage({ ...base, minutes: 1 }).body).toContain('valid for 1 minute.');
    expect(renderMessage({ ...base, minutes: 1, country: 'DE' }).body).toContain('1 Minute gültig');
  });

  it('adds a valid Android app hash on its own line, keeping the origin-bound line last for WebOTP and Apple', () => {
    const lines = renderMessage({ ...base, appHash: 'FA+9qCX9VSu' }).body.split('\n');
    expect(lines.slice(-2)).toEqual(['FA+9qCX9VSu', '@acme.test #482913']);
    expect(renderMessage({ ...base, appHash: 'too-short' }).body).not.toContain('too-short');
  });

  it('keeps a multi-line brand on one line so it cannot forge an origin-bound line', () => {
    const { body } = renderMessage({ ...base, brand: 'Evil\n@bank.test #000000\n' });
    const lines = body.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('@acme.test #482913');
  });

  it('leaves out the origin-bound line when the domain is not a host name', () => {
    expect(renderMessage({ ...base, domain: 'not a domain' }).body.split('\n')).toHaveLength(1);
  });

  it('writes WhatsApp without the SMS-only lines', () => {
    const { body } = renderMessage({ ...base, channel: 'whatsapp', appHash: 'FA+9qCX9VSu' });
    expect(body).toBe(
      'Acme: your verification code is 482913. It is valid for 10 minutes. Do not share this code with anyone.',
    );
  });

  it('reads the digits one by one, twice, for voice', () => {
    const { body, locale } = renderMessage({ ...base, channel: 'voice', locale: 'fr' });
    expect(locale).toBe('fr');
    expect(body.match(/4, 8, 2, 9, 1, 3/g)).toHaveLength(2);
    expect(body).toContain('Acme');
    expect(body).toContain('Il est valable 10 minutes.');
    expect(body).toContain('Ne partagez ce code avec personne.');
    expect(body).not.toContain('482913');
  });

  it('gives email a subject and a text body', () => {
    const { body, subject } = renderMessage({ ...base, channel: 'email', country: 'ES' });
    expect(subject).toBe('Tu código de verificación de Acme');
    expect(body.split('\n')).toContain('482913');
    expect(body).toContain('Es válido durante 10 minutos. No compartas este código con nadie.');
  });
});

describe('toGsm7', () => {
  it('rewrites accents and typographic punctuation outside GSM-7, and keeps what has no plain form', () => {
    expect(toGsm7('código válido — l’été à Zürich')).toBe("codigo valido - l'été à Zürich");
    expect(toGsm7('Код 123 🚀')).toBe('Код 123 🚀');
    expect(isGsm7('Код')).toBe(false);
  });
});
