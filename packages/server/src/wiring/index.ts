export { flowHooks } from './flow-hooks.js';
export { createLineInfoSource, lookupLineInfoFrom } from './line-info.js';
export { type PhoneLookupFlow, phoneLookupFlow } from './lookup-flow.js';
export {
  createOperator,
  operatorLookupSources,
  sandboxBasePath,
  withSharedLineInfo,
} from './operator.js';
