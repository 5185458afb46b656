import type { MessageTerms } from './terms.js';

export const fr: MessageTerms = {
  $code: 'fr',
  $voiceLanguage: 'fr-FR',
  validity: (minutes) => `Il est valable ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
  doNotShare: 'Ne partagez ce code avec personne.',
  sms: (brand, code) => `${brand} : votre code de vérification est ${code}.`,
  voiceIntro: (brand) => `Bonjour, ici ${brand}.`,
  voiceCode: 'Votre code de vérification est :',
  voiceRepeat: 'Je répète, votre code est :',
  emailSubject: (brand) => `Votre code de vérification ${brand}`,
  emailIntro: (brand) => `Votre code de vérification ${brand} est :`,
  emailIgnore: "Si vous n'avez pas demandé ce code, vous pouvez ignorer cet e-mail.",
};
