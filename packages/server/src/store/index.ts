export type { RateLimiter, Store } from './port.js';
export { StoreUnavailableError } from './port.js';
