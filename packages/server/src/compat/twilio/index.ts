export { type TwilioFacadeDeps, twilioBasePath, twilioVerifyPlugin } from './plugin.js';
