export {
  fromOperator,
  kycMatch,
  numberRecycling,
  type OperatorChecksDeps,
  portingHistory,
  roaming,
  simSwapCheck,
} from './checks.js';
export {
  decideKyc,
  defaultKycPolicy,
  jaroWinkler,
  type KycDecision,
  type KycDecisionPolicy,
  kycMatchScore,
  normalizeKycText,
} from './kyc.js';
export { createPkcePair, hashPhoneNumber, type PkcePair, pkceChallenge } from './pkce.js';
export * from './port.js';
