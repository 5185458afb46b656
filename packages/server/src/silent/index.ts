export {
  type SilentCallbackResult,
  type SilentCompletion,
  type SilentDeps,
  SilentVerification,
} from './silent.js';
