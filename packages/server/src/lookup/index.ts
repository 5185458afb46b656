export {
  type LookupContext,
  type LookupDeps,
  type LookupLineInfo,
  lookupPhone,
  type PhoneLookup,
} from './lookup.js';
export { offlinePrefixData, type PrefixData, type PrefixKey, prefixDataDirectory } from './prefix-data.js';
export {
  type LookupSources,
  type LookupUse,
  type SharedAnswersOptions,
  sharedByNumber,
  sourcesFor,
} from './sources.js';
export { metadataType, type ParsedPhone, phoneTypeOf, readPhone, validatePhone } from './validate.js';
export { voipCarriers, voipProviderOf } from './voip-carriers.js';
