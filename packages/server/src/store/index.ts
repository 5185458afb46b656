export type { RateLimiter, RateLimiterOptions, Store, StoreDurability, StoreWrite } from './port.js';
export { StoreUnavailableError } from './port.js';
