export {
  demoCompatCredentials,
  vonageApplicationIdPattern,
} from './compat-credentials.js';
export { demoSite, TenantDirectory, TenantFile } from './directory.js';
export { SettingsRepository } from './settings.js';
export { hashSecret, originMatches, type Site, type TwilioCredentials } from './site.js';
export { checkTestNumbers } from './test-numbers.js';
