export { CasesRepository, type NewCase } from './cases.js';
export {
  evaluateRules,
  type FactValue,
  fieldsReadBy,
  type RuleFacts,
  ruleMatches,
  type TriggeredAction,
} from './evaluate.js';
export { maxRulesPerSite, RulesRepository } from './repository.js';
export {
  type LookupEvent,
  type RuleEvent,
  type RuleHooksDeps,
  type RuleStartDecision,
  ruleHooks,
} from './verification-hooks.js';
