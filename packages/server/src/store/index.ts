export { InstanceCache, type InstanceCacheOptions } from './instance-cache.js';
export type { RateLimiter, RateLimiterOptions, Store, StoreWrite } from './port.js';
export { StoreUnavailableError } from './port.js';
