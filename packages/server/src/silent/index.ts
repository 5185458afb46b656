export {
  type SilentCompletion,
  SilentVerification,
} from './silent.js';
