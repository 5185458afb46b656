export {
  demoCompatCredentials,
  type TwilioCredentials,
  type VonageCredentials,
} from './compat-credentials.js';
export { demoSite, TenantDirectory } from './directory.js';
export { newWebhookSecret, SettingsRepository } from './settings.js';
export { hashSecret, originMatches, type Site, secretMatches } from './site.js';
export { checkTestNumbers } from './test-numbers.js';
