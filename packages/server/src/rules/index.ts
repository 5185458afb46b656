export { CasesRepository } from './cases.js';
export {
  evaluateRules,
  fieldsReadBy,
  type RuleFacts,
  ruleMatches,
} from './evaluate.js';
export { lookupFacts, riskFactFields } from './lookup-facts.js';
export { maxRulesPerSite, RulesRepository } from './repository.js';
export { riskFlags } from './site-policy.js';
export {
  type RuleEvent,
  type RuleStartDecision,
  ruleHooks,
} from './verification-hooks.js';
