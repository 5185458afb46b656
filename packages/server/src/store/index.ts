export { InstanceCache } from './instance-cache.js';
export type {
  BatchOperation,
  Expected,
  Guess,
  Limit,
  QueueItem,
  Store,
  StoreDurability,
  Tally,
} from './port.js';
export { StoreUnavailableError } from './port.js';
