import type { MessageTerms } from './terms.js';

export const en: MessageTerms = {
  $code: 'en',
  $voiceLanguage: 'en-US',
  validity: (minutes) => `It is valid for ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
  doNotShare: 'Do not share this code with anyone.',
  sms: (brand, code) => `${brand}: your verification code is ${code}.`,
  voiceIntro: (brand) => `Hello, this is ${brand}.`,
  voiceCode: 'Your verification code is:',
  voiceRepeat: 'Once again, your code is:',
  emailSubject: (brand) => `Your ${brand} verification code`,
  emailIntro: (brand) => `Your ${brand} verification code is:`,
  emailIgnore: 'If you did not ask for this code, you can ignore this email.',
};
