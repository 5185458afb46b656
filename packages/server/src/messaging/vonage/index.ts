export { VonageJwtSigner } from './vonage-jwt.js';
export { type VonageConfig, VonageSender, vonageError } from './vonage-sender.js';
