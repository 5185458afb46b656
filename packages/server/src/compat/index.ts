export { twilioBasePath, twilioVerifyPlugin } from './twilio/index.js';
export { vonageBasePath, vonageVerifyPlugin } from './vonage/index.js';
