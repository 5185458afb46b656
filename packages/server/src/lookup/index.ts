export {
  askLineFacts,
  type LookupDeps,
  type LookupLineInfo,
  lookupPhone,
  type PhoneLookup,
} from './lookup.js';
export { offlinePrefixData, type PrefixData, prefixDataDirectory } from './prefix-data.js';
export {
  type LaterSource,
  type LookupSources,
  sharedByNumber,
  sourcesFor,
} from './sources.js';
export { metadataType, phoneTypeOf, validatePhone } from './validate.js';
export { voipCarriers, voipProviderOf } from './voip-carriers.js';
