export type MessageLocale = 'en' | 'es' | 'fr' | 'de';

/** The words of every message in one language; functions where grammar depends on the values. */
export interface MessageTerms {
  $code: MessageLocale;
  /** BCP 47 tag for text-to-speech engines. */
  $voiceLanguage: string;
  /** "valid for 10 minutes" with the right plural. */
  validity(minutes: number): string;
  doNotShare: string;
  sms(brand: string, code: string): string;
  voiceIntro(brand: string): string;
  voiceCode: string;
  voiceRepeat: string;
  emailSubject(brand: string): string;
  emailIntro(brand: string): string;
  emailIgnore: string;
}
