export {
  createOtpCodes,
  generateServerSecret,
  type OtpCodes,
} from './codes.js';
export type {
  SilentVerifier,
  VerificationEvent,
  VerificationHooks,
  VerificationWebhooks,
} from './ports.js';
export {
  toRecordView,
  toSendOtpOutput,
  toVerifyOtpOutput,
  toWidgetView,
} from './record.js';
export { VerificationRepository } from './repository.js';
export {
  type Caller,
  VerificationService,
  type VerificationState,
} from './service.js';
