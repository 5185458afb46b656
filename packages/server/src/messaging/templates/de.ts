import type { MessageTerms } from './terms.js';

export const de: MessageTerms = {
  $code: 'de',
  $voiceLanguage: 'de-DE',
  validity: (minutes) => `Er ist ${minutes} ${minutes === 1 ? 'Minute' : 'Minuten'} gültig.`,
  doNotShare: 'Geben Sie diesen Code an niemanden weiter.',
  sms: (brand, code) => `${brand}: Ihr Bestätigungscode lautet ${code}.`,
  voiceIntro: (brand) => `Guten Tag, hier ist ${brand}.`,
  voiceCode: 'Ihr Bestätigungscode lautet:',
  voiceRepeat: 'Noch einmal, Ihr Code lautet:',
  emailSubject: (brand) => `Ihr Bestätigungscode für ${brand}`,
  emailIntro: (brand) => `Ihr Bestätigungscode für ${brand} lautet:`,
  emailIgnore: 'Wenn Sie diesen Code nicht angefordert haben, können Sie diese E-Mail ignorieren.',
};
