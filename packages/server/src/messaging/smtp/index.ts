export { type SmtpConfig, SmtpSender, smtpError } from './smtp-sender.js';
