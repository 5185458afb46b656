export {
  kycMatch,
  numberRecycling,
  portingHistory,
  roaming,
  simSwapCheck,
} from './checks.js';

export { createPkcePair } from './pkce.js';
export * from './port.js';
