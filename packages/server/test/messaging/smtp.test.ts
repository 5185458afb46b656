import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { SmtpSender } from '../../src/messaging/smtp/index.js';
import { describeSenderContract, testMessage } from './contract.js';
import { closedPort } from './fake-provider.js';

interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

const received: ReceivedMail[] = [];
let smtp: SMTPServer;
let smtpPort: number;
let silent: Server;
let silentPort: number;
const silentSockets: Socket[] = [];

const smtpError = (message: string, responseCode: number) =>
  Object.assign(new Error(message), { responseCode });

beforeAll(async () => {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === 'mail-secret')
        return callback(null, { user: 'mailer' });
      callback(smtpError('Invalid username or password', 535));
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('nobody@')) return callback(smtpError('Mailbox unavailable', 550));
      if (address.address.startsWith('busy@')) return callback(smtpError('Try again later', 451));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  // Accepts connections and never greets: an SMTP server that hangs.
  silent = createServer((socket) => silentSockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const socket of silentSockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  await new Promise<void>((resolve) => smtp.close(resolve));
});

const clock = new ManualClock();

function sender(url = `smtp://mailer:mail-secret@127.0.0.1:${smtpPort}`, timeoutMs = 5_000): SmtpSender {
  return new SmtpSender({ url, from: '"Acme" <no-reply@acme.test>', timeoutMs }, { clock });
}

const senders: SmtpSender[] = [];

/** A sender the contract closes when it is done (a nodemailer transport holds its connections). */
function kept(mail: SmtpSender): SmtpSender {
  senders.push(mail);
  return mail;
}

describeSenderContract(
  'smtp',
  [
    { to: 'nobody@example.test', code: 'invalid_recipient', retryable: false, providerCode: '550' },
    { to: 'busy@example.test', code: 'provider_error', retryable: true, providerCode: '451' },
  ],
  async () => ({
    provider: 'smtp',
    clock,
    sender: kept(sender()),
    recipients: { email: 'ada@example.test' },
    badCredentials: {
      sender: kept(sender(`smtp://mailer:wrong@127.0.0.1:${smtpPort}`)),
      providerCode: '535',
    },
    hanging: { sender: kept(sender(`smtp://127.0.0.1:${silentPort}`, 200)), to: 'ada@example.test' },
    unreachable: kept(sender(`smtp://127.0.0.1:${await closedPort()}`)),
    lastReceived: () => {
      const last = received.at(-1);
      return last && { to: last.to[0]!, text: last.raw };
    },
    received: () => received.length,
    close: async () => {
      for (const mail of senders) mail.close();
    },
  }),
);

describe('SMTP sender', () => {
  it('delivers the email with subject, sender and text to the SMTP server', async () => {
    const mail = sender();
    const receipt = await mail.send(
      testMessage({
        channel: 'email',
        to: 'ada@example.test',
        subject: 'Your Acme verification code',
        body: 'Your Acme verification code is:\n\n123456\n\nIt is valid for 10 minutes.',
      }),
    );
    mail.close();
    const last = received.at(-1)!;
    expect(last.from).toBe('no-reply@acme.test');
    expect(last.to).toEqual(['ada@example.test']);
    expect(last.raw).toContain('Subject: Your Acme verification code');
    expect(last.raw).toContain('X-Proofline-Verification: ver_test');
    expect(last.raw).toContain('123456');
    expect(receipt).toMatchObject({ provider: 'smtp', channel: 'email' });
    expect(last.raw).toContain(`Message-ID: ${receipt.providerMessageId}`);
  });
});
