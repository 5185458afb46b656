export { type TwilioFacadeDeps, twilioBasePath, twilioVerifyPlugin } from './twilio/index.js';
export { type VonageFacadeDeps, vonageBasePath, vonageVerifyPlugin } from './vonage/index.js';
