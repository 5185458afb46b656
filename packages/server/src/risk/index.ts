export {
  assessRisk,
  type RiskSignals,
  type RiskWeights,
  riskLevelFor,
  weightOf,
  withLaterSignals,
} from './assess.js';
export { assertLineTypeAccepted, receivesTexts, withLineTypeFloor } from './line-policy.js';
