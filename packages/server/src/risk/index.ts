export {
  assessRisk,
  type RiskSignals,
  type RiskWeights,
  riskLevelFor,
  weightOf,
} from './assess.js';
export { withLineTypeFloor } from './line-type-floor.js';
