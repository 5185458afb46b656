export { twilioBasePath, twilioVerifyPlugin } from './twilio/index.js';
export { VonageSilentAuth, vonageBasePath, vonageVerifyPlugin } from './vonage/index.js';
