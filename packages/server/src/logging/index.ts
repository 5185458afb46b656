import { maskPhone, maskPhonesIn } from '@proofline/shared';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Fields that must never reach a log line, wherever they appear in a logged object. */
const secretPaths = [
  'code',
  'token',
  'secret',
  'password',
  'authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.code',
  '*.token',
  '*.secret',
  '*.password',
  '*.authorization',
  '*.body',
];

/**
 * The server's logger: JSON lines (pino), secrets redacted, phone numbers masked both in
 * `phone`/`to` fields and inside messages.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: secretPaths, censor: '[redacted]' },
      formatters: {
        log(object) {
          for (const field of ['phone', 'to'] as const) {
            const value = object[field];
            if (typeof value === 'string' && value.startsWith('+')) object[field] = maskPhone(value);
          }
          return object;
        },
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskPhonesIn(arg) : arg));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
