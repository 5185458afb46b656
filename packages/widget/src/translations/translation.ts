import type { Channel } from '@proofline/shared';

/** Every visible and ARIA string of the widget. Functions take what varies (counts, numbers, waits). */
export interface Translation {
  $code: string;
  $dir: 'ltr' | 'rtl';
  widgetLabel: string;
  countryLabel: string;
  phoneLabel: string;
  phoneHint: string;
  submit: string;
  busy: string;
  silentChecking: string;
  silentHint: string;
  codeLabel: string;
  codeSent: (channel: Channel, to: string) => string;
  verify: string;
  attemptsLeft: (count: number) => string;
  wrongCode: (attemptsLeft: number) => string;
  resend: string;
  /** `wait` is already formatted, e.g. "0:25". */
  resendIn: (wait: string) => string;
  switchTo: Record<Channel, string>;
  changeNumber: string;
  emailLabel: string;
  emailHint: string;
  /** From the email step back to the code step. */
  back: string;
  emailVerified: string;
  verified: string;
  verifiedNumber: (phone: string) => string;
  useAnotherNumber: string;
  tryAgain: string;
  sendNewCode: string;
  verifyAgain: string;
  /** The form's validation message while a `required` widget is not verified. */
  requiredMessage: string;
  errors: {
    phoneRequired: string;
    tooShort: string;
    tooLong: string;
    invalidPhone: string;
    countryNotAllowed: (country: string) => string;
    lineTypeNotAllowed: string;
    codeRequired: string;
    invalidCode: (length: number) => string;
    rateLimited: (wait: string) => string;
    resendCooldown: (wait: string) => string;
    blocked: string;
    expired: string;
    maxAttempts: string;
    failed: string;
    network: string;
    unavailable: string;
    /** The page's Origin is not among the site's allowed origins. */
    siteNotAllowed: string;
    /** The `site-key` names no site. */
    siteKeyUnknown: string;
    invalidEmail: string;
    maxSends: string;
    tokenExpired: string;
  };
}

export type Locale = 'en' | 'es' | 'fr' | 'de';
export const locales: readonly Locale[] = ['en', 'es', 'fr', 'de'];
