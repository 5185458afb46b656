export {
  assessRisk,
  defaultSimSwapThresholdDays,
  newNumberDays,
  type RiskSignals,
  type RiskWeights,
  recentPortDays,
  riskLevelFor,
} from './assess.js';
