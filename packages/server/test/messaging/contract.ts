import type { Channel } from '@proofline/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock/index.js';
import { DeliveryError, type MessageSender, type OutgoingMessage } from '../../src/messaging/index.js';
import type { DeliveryErrorCode, MessagingProvider } from '../../src/messaging/port.js';

/** A failure the provider documents, and the recipient its fake answers it for. */
export interface DocumentedFailure {
  to: string;
  code: DeliveryErrorCode;
  retryable: boolean;
  /** The provider's own code for it (Twilio `21211`, Vonage `1040`, SMTP `550`). */
  providerCode: string;
  httpStatus?: number;
}

/** One provider's sender under test, talking to a local fake that speaks the provider's wire format. */
export interface SenderUnderTest {
  provider: MessagingProvider;
  clock: Clock;
  /** A sender with working credentials. */
  sender: MessageSender;
  /** A recipient per channel the sender sends on; it must refuse the others. */
  recipients: Partial<Record<Channel, string>>;
  /** A sender whose credentials the provider refuses, and the provider's code for that refusal. */
  badCredentials: { sender: MessageSender; providerCode: string };
  /** A sender with a short deadline, and a recipient the provider never answers for. */
  hanging: { sender: MessageSender; to: string };
  /** A sender whose provider address nothing listens on. */
  unreachable: MessageSender;
  /** The last message the provider received, read from its wire format: recipient and what it says. */
  lastReceived(): { to: string; text: string } | undefined;
  /** How many sends reached the provider. */
  received(): number;
  close(): Promise<void>;
}

const code = '123456';
const allChannels: Channel[] = ['sms', 'whatsapp', 'voice', 'email'];

/** A message as the verification flow hands it to a sender: an sms with the code `123456`. */
export function testMessage(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    channel: 'sms',
    to: '+447400123456',
    body: `Acme: your verification code is ${code}.\n@acme.test #${code}`,
    siteKey: 'pk_test_demo',
    verificationId: 'ver_test',
    ...overrides,
  };
}

function message(channel: Channel, to: string): OutgoingMessage {
  return testMessage({
    channel,
    to,
    ...(channel === 'email' ? { subject: 'Your Acme verification code' } : {}),
  });
}

async function failure(send: Promise<unknown>): Promise<DeliveryError> {
  const error = await send.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

/**
 * The contract every messaging provider's sender keeps: ONE suite, run on each of them, so the
 * verification flow gets the same receipts and the same DeliveryError codes whoever delivers.
 * `failures` are the provider's documented error answers; they are sent on the first channel of
 * `recipients`.
 */
export function describeSenderContract(
  name: string,
  failures: DocumentedFailure[],
  start: () => Promise<SenderUnderTest>,
): void {
  describe(`messaging provider contract: ${name}`, () => {
    let subject: SenderUnderTest;
    const firstChannel = () => Object.keys(subject.recipients)[0] as Channel;
    beforeAll(async () => {
      subject = await start();
    });
    afterAll(() => subject.close());

    it('delivers on each of its channels and answers a receipt stamped by the clock', async () => {
      for (const [channel, to] of Object.entries(subject.recipients) as [Channel, string][]) {
        const receipt = await subject.sender.send(message(channel, to));
        expect(receipt).toEqual({
          provider: subject.provider,
          channel,
          providerMessageId: expect.stringMatching(/\S/),
          acceptedAt: new Date(subject.clock.now()).toISOString(),
        });
        expect(subject.lastReceived()).toEqual({ to, text: expect.stringContaining(code) });
      }
    });

    it('refuses the channels it does not send, for good and without calling the provider', async () => {
      const others = allChannels.filter((channel) => subject.recipients[channel] === undefined);
      const before = subject.received();
      for (const channel of others) {
        const to = channel === 'email' ? 'ada@example.test' : '+447400123456';
        const error = await failure(subject.sender.send(message(channel, to)));
        expect(error).toMatchObject({ code: 'rejected', retryable: false, provider: subject.provider });
      }
      expect(subject.received()).toBe(before);
    });

    it.each(failures)('maps the answer for $to to $code', async ({ to, ...expected }) => {
      const error = await failure(subject.sender.send(message(firstChannel(), to)));
      expect(error).toMatchObject({ ...expected, provider: subject.provider });
      // Providers quote the recipient; the error keeps at most its mask, and never the body.
      expect(error.message).not.toContain(to);
      expect(error.message).not.toContain(code);
    });

    it('maps refused credentials to auth, not worth retrying', async () => {
      const { sender, providerCode } = subject.badCredentials;
      const error = await failure(sender.send(message(firstChannel(), subject.recipients[firstChannel()]!)));
      expect(error).toMatchObject({
        code: 'auth',
        retryable: false,
        providerCode,
        provider: subject.provider,
      });
    });

    it('gives up after its deadline with a retryable timeout', async () => {
      const { sender, to } = subject.hanging;
      const error = await failure(sender.send(message(firstChannel(), to)));
      expect(error).toMatchObject({ code: 'timeout', retryable: true, provider: subject.provider });
    });

    it('reports an unreachable provider as a retryable provider_error', async () => {
      const to = subject.recipients[firstChannel()]!;
      const error = await failure(subject.unreachable.send(message(firstChannel(), to)));
      expect(error).toMatchObject({ code: 'provider_error', retryable: true, provider: subject.provider });
    });
  });
}
