export type { Limit, LimitDecision, Store, StoreWrite } from './port.js';
export { StoreUnavailableError } from './port.js';
