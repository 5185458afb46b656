export { demoSite, TenantDirectory, TenantFile } from './directory.js';
export { newWebhookSecret, SettingsRepository } from './settings.js';
export { hashSecret, originMatches, type Site, secretMatches } from './site.js';
