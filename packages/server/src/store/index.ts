export type {
  Limit,
  LimitDecision,
  QueueItem,
  Store,
  StoreDurability,
  StoreWrite,
} from './port.js';
export { StoreUnavailableError } from './port.js';
