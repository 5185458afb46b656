export { type TwilioConfig, TwilioSender } from './twilio-sender.js';
