export type {
  QueueItem,
  RateLimiter,
  RateLimiterOptions,
  Store,
  StoreDurability,
  StoreWrite,
} from './port.js';
export { StoreUnavailableError } from './port.js';
