export {
  assessRisk,
  type RiskSignals,
  type RiskWeights,
  riskLevelFor,
} from './assess.js';
