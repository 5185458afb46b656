export { type BypassEntry, FraudCheckBypassAudit } from './audit.js';
export { type ImposedBlock, NetworkBlocks, scopeOf } from './blocks.js';
export { assertCountryAllowed, billedByNetwork, GeoPermissionsRepository } from './geo.js';
export {
  type ApprovalContext,
  FraudGuard,
  type FraudGuardDeps,
  type NetworkBlockedListener,
  type NetworkInfo,
  type NetworkOf,
  type SendContext,
  type SendDecision,
} from './guard.js';
export { networkOfFromOperator } from './network-of.js';
export {
  type Bucket,
  defaultFraudPolicy,
  type FraudPolicy,
  type FraudPolicyOverrides,
  fraudPolicy,
  type PumpingPolicy,
  type RateLimitRule,
} from './policy.js';
export { longestAdjacentRun } from './pumping.js';
