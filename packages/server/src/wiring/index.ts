export { type FlowHooksDeps, flowHooks } from './flow-hooks.js';
export {
  createOperator,
  type OperatorWiring,
  operatorLookupSources,
  sandboxBasePath,
  withSharedLineInfo,
} from './operator.js';
