export {
  FraudGuard,
  type NetworkInfo,
  type NetworkOf,
  type SendContext,
  type SendDecision,
} from './guard.js';
export { networkOfFromLineInfo } from './network-of.js';
export {
  defaultFraudPolicy,
  type FraudPolicyOverrides,
} from './policy.js';
export { longestAdjacentRun } from './pumping.js';
