export {
  createOtpCodes,
  generateServerSecret,
  type OtpCodes,
  verificationIdBytes,
  verificationIdOf,
} from './codes.js';
export type { ObservedScope, VerificationObserver } from './observer.js';
export {
  noWebhooks,
  type SilentVerifier,
  type VerificationEvent,
  type VerificationHooks,
  type VerificationWebhooks,
} from './ports.js';
export {
  methodOf,
  type Surface,
  toRecordView,
  toSendOtpOutput,
  toVerifyOtpOutput,
  toWidgetView,
  type VerificationRecord,
} from './record.js';
export { plainRecords, sealedRecords } from './record-codec.js';
export { type RecordPrivacy, VerificationRepository } from './repository.js';
export {
  type Caller,
  type StartInput,
  VerificationService,
  type VerificationState,
} from './service.js';
