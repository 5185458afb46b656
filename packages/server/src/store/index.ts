export { InstanceCache, type InstanceCacheOptions } from './instance-cache.js';
export type { Limit, LimitDecision, Store, StoreWrite } from './port.js';
export { StoreUnavailableError } from './port.js';
