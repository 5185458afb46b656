export { demoSite, TenantDirectory } from './directory.js';
export { SettingsRepository } from './settings.js';
export { originMatches, type Site } from './site.js';
