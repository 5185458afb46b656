import type { MessageTerms } from './terms.js';

export const es: MessageTerms = {
  $code: 'es',
  $voiceLanguage: 'es-ES',
  validity: (minutes) => `Es válido durante ${minutes} ${minutes === 1 ? 'minuto' : 'minutos'}.`,
  doNotShare: 'No compartas este código con nadie.',
  sms: (brand, code) => `${brand}: tu código de verificación es ${code}.`,
  voiceIntro: (brand) => `Hola, te llamamos de ${brand}.`,
  voiceCode: 'Tu código de verificación es:',
  voiceRepeat: 'Repetimos, tu código es:',
  emailSubject: (brand) => `Tu código de verificación de ${brand}`,
  emailIntro: (brand) => `Tu código de verificación de ${brand} es:`,
  emailIgnore: 'Si no has pedido este código, puedes ignorar este correo.',
};
