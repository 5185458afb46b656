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
  /** What the user reads for each error code the server or the widget gives; see `errorText`. */
  errors: ErrorTexts;
}

/** What varies in an error's text; each text takes what it needs. */
export interface ErrorValues {
  /** The wait before trying again, already formatted, e.g. "0:25". */
  wait: string;
  /** The country's name in the widget's language. */
  country: string;
  /** How many digits the code has. */
  length: number;
}

type ErrorText = string | ((values: ErrorValues) => string);

/** By error code (the server's, or the widget's own for what it checks before sending). */
export interface ErrorTexts {
  /** No number typed. */
  required: string;
  too_short: string;
  too_long: string;
  invalid_phone: string;
  country_not_allowed: ErrorText;
  line_type_not_allowed: string;
  code_required: string;
  invalid_code: ErrorText;
  rate_limited: ErrorText;
  resend_cooldown: ErrorText;
  max_sends_reached: string;
  blocked: string;
  expired: string;
  max_attempts_reached: string;
  failed: string;
  network_error: string;
  /** The page's Origin is not among the site's allowed origins. */
  origin_not_allowed: string;
  /** The `site-key` names no site. */
  invalid_site_key: string;
  invalid_email: string;
  token_expired: string;
  /** Any other code: the service did not answer as it should. */
  unavailable: string;
}

export type Locale = 'en' | 'es' | 'fr' | 'de';
export const locales: readonly Locale[] = ['en', 'es', 'fr', 'de'];
