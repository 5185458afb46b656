import type { Channel } from '@proofline/shared';
import { toGsm7 } from './gsm.js';
import { chooseLocale, messageTerms } from './locale.js';
import type { MessageLocale } from './terms.js';

export interface RenderMessageInput {
  channel: Channel;
  code: string;
  /** The site's name as users know it. */
  brand: string;
  /** The site's host name, for the origin-bound line `@<domain> #<code>` of SMS. */
  domain: string;
  minutes: number;
  /** The language asked for by the request (BCP 47), if any. */
  locale?: string | null;
  /** The number's country (ISO alpha-2), used when the request names no shipped language. */
  country?: string | null;
  /** An Android SMS Retriever app hash (exactly 11 characters); ignored when malformed. */
  appHash?: string | null;
}

export interface RenderedMessage {
  body: string;
  subject?: string;
  locale: MessageLocale;
}

const appHashPattern = /^[A-Za-z0-9+/]{11}$/;
const hostPattern =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** The text of one OTP message in the recipient's language. */
export function renderMessage(input: RenderMessageInput): RenderedMessage {
  const terms = messageTerms[chooseLocale(input.locale, input.country)];
  // A brand with line breaks could forge an origin-bound line; it is one line of plain text.
  const brand = input.brand.replace(/\s+/g, ' ').trim() || 'Proofline';
  const validity = terms.validity(input.minutes);
  const locale = terms.$code;

  switch (input.channel) {
    case 'whatsapp':
      return { body: `${terms.sms(brand, input.code)} ${validity} ${terms.doNotShare}`, locale };
    case 'sms': {
      const lines = [toGsm7(`${terms.sms(brand, input.code)} ${validity} ${terms.doNotShare}`)];
      // Google's SMS Retriever only needs the hash somewhere in the text, while WebOTP and Apple
      // read the origin-bound line only when it is the last one: so the hash goes just above it.
      if (input.appHash && appHashPattern.test(input.appHash)) lines.push(input.appHash);
      const domain = input.domain.trim().toLowerCase();
      if (hostPattern.test(domain)) lines.push(`@${domain} #${input.code}`);
      return { body: lines.join('\n'), locale };
    }
    case 'voice': {
      // Digits separated by commas make text-to-speech engines pause between them.
      const digits = input.code.split('').join(', ');
      const body = [
        terms.voiceIntro(brand),
        `${terms.voiceCode} ${digits}.`,
        `${terms.voiceRepeat} ${digits}.`,
        validity,
        terms.doNotShare,
      ].join(' ');
      return { body, locale };
    }
    case 'email': {
      const body = [
        terms.emailIntro(brand),
        '',
        input.code,
        '',
        `${validity} ${terms.doNotShare}`,
        terms.emailIgnore,
      ].join('\n');
      return { body, subject: terms.emailSubject(brand), locale };
    }
  }
}
