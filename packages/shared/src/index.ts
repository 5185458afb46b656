export * from './cases.js';
export * from './compat.js';
export * from './errors.js';
export * from './fraud.js';
export * from './lookup.js';
export * from './monitor.js';
export * from './operator.js';
export * from './origins.js';
export { maskPhone, maskPhonesIn } from './phone/mask.js';
export {
  formatPhone,
  normalizePhone,
  type PhoneErrorReason,
  type PhoneFormats,
  PhoneParseError,
  type PhoneResult,
  parsePhone,
} from './phone/normalize.js';
export { remembered } from './remembered.js';
export * from './rules.js';
export * from './settings.js';
export * from './silent.js';
export * from './siteverify.js';
export * from './verification.js';
export * from './webhooks.js';
