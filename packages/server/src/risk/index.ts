export {
  assessRisk,
  type RiskSignals,
  type RiskWeights,
  riskLevelFor,
  weightOf,
} from './assess.js';
export { assertLineTypeAccepted, receivesTexts, withLineTypeFloor } from './line-policy.js';
