export {
  assessRisk,
  defaultSimSwapThresholdDays,
  newNumberDays,
  type RiskSignals,
  type RiskWeights,
  recentPortDays,
  riskLevelFor,
  weightOf,
} from './assess.js';
export { lineTypeRiskFloor, withLineTypeFloor } from './line-type-floor.js';
