export {
  fromOperator,
  kycMatch,
  numberRecycling,
  portingHistory,
  roaming,
  simSwapCheck,
} from './checks.js';

export { createPkcePair, hashPhoneNumber } from './pkce.js';
export * from './port.js';
