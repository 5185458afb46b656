export { type TwilioConfig, TwilioSender, twilioError } from './twilio-sender.js';
export { escapeXml } from './twiml.js';
