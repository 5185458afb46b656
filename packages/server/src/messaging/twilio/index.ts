export { TwilioSender } from './twilio-sender.js';
