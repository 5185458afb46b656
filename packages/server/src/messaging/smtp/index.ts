export { SmtpSender } from './smtp-sender.js';
