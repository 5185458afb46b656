export { twilioBasePath, twilioVerifyPlugin } from './plugin.js';
