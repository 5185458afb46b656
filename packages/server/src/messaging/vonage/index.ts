export { type VonageConfig, VonageSender } from './vonage-sender.js';
