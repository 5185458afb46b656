export {
  parseSigningKeys,
  type ResultTokenInput,
  SigningKeyError,
  TokenIssuer,
} from './keyring.js';
export { type SiteverifyDeps, siteverify, siteverifyInputFrom } from './siteverify.js';
