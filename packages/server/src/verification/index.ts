export {
  createOtpCodes,
  generateServerSecret,
  type OtpCodes,
  verificationIdBytes,
  verificationIdOf,
} from './codes.js';
export type { Caller, VerificationState } from './context.js';
export type { ObservedScope, VerificationObserver } from './observer.js';
export type { StartInput } from './planning.js';
export {
  noWebhooks,
  type SilentVerifier,
  type VerificationEvent,
  type VerificationHooks,
  type VerificationWebhooks,
} from './ports.js';
export { methodOf, type Surface, type VerificationRecord } from './record.js';
export { plainRecords, sealedRecords } from './record-codec.js';
export { type RecordPrivacy, VerificationRepository } from './repository.js';
export { VerificationService } from './service.js';
export { toRecordView, toSendOtpOutput, toVerifyOtpOutput, toWidgetView } from './views.js';
