export { flowHooks } from './flow-hooks.js';
export {
  createOperator,
  operatorLookupSources,
  sandboxBasePath,
  withSharedLineInfo,
} from './operator.js';
