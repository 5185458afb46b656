export {
  parseSigningKeys,
  RESULT_TOKEN_LIFETIME_SECONDS,
  RESULT_TOKEN_TYPE,
  type ResultTokenInput,
  type SigningAlgorithm,
  SigningKeyError,
  type TokenCheck,
  TokenIssuer,
  type TokenIssuerOptions,
} from './keyring.js';
export { IDEMPOTENCY_WINDOW_MS, type SiteverifyDeps, siteverify, siteverifyInputFrom } from './siteverify.js';
