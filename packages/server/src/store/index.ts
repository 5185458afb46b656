export { InstanceCache } from './instance-cache.js';
export type {
  BatchOperation,
  Expected,
  Limit,
  QueueItem,
  Store,
  StoreDurability,
} from './port.js';
export { StoreUnavailableError } from './port.js';
