export { InstanceCache } from './instance-cache.js';
export type { Limit, Store } from './port.js';
export { StoreUnavailableError } from './port.js';
