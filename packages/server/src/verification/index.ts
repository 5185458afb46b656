export {
  createOtpCodes,
  generateServerSecret,
  type OtpCodes,
} from './codes.js';
export type { ObservedScope, VerificationObserver } from './observer.js';
export type {
  SilentVerifier,
  VerificationEvent,
  VerificationHooks,
  VerificationWebhooks,
} from './ports.js';
export {
  type Surface,
  toRecordView,
  toSendOtpOutput,
  toVerifyOtpOutput,
  toWidgetView,
} from './record.js';
export { VerificationRepository } from './repository.js';
export {
  type Caller,
  type StartInput,
  VerificationService,
  type VerificationState,
} from './service.js';
