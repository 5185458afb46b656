export {
  type LookupDeps,
  type LookupLineInfo,
  lookupPhone,
} from './lookup.js';
export { prefixDataDirectory } from './prefix-data.js';
export { phoneTypeOf, validatePhone } from './validate.js';
export { voipCarriers, voipProviderOf } from './voip-carriers.js';
