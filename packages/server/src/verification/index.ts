export {
  createOtpCodes,
  generateServerSecret,
  newVerificationId,
  type OtpCodes,
  verificationIdPattern,
} from './codes.js';
export {
  allowAllSends,
  noVerificationHooks,
  noWebhooks,
  type ResultTokenSigner,
  type SendContext,
  type SendDecision,
  type SendGuard,
  type SilentVerifier,
  type StartDecision,
  type VerificationEvent,
  type VerificationHooks,
  type VerificationWebhooks,
} from './ports.js';
export {
  type StepChannel,
  type StepRecord,
  type Surface,
  toBlockedSummary,
  toRecordView,
  toSendOtpOutput,
  toVerifyOtpOutput,
  toWidgetView,
  type VerificationRecord,
} from './record.js';
export { plainRecords, type RecordCodec, sealedRecords } from './record-codec.js';
export { type LiveEntry, type Loaded, type RecordPrivacy, VerificationRepository } from './repository.js';
export {
  type Caller,
  type CheckTarget,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_STEP_TIMEOUT_MS,
  type StartInput,
  VerificationService,
  type VerificationServiceDeps,
  type VerificationState,
} from './service.js';
