import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { DeliveryError, type OutgoingMessage } from '../../src/messaging/index.js';

interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeProvider {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export type FakeHandler = (request: RecordedRequest, response: ServerResponse) => unknown;

/** A local HTTP server standing in for a remote provider: it records each request and answers via `handler`. */
export async function startFakeProvider(handler: FakeHandler): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (incoming, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const request: RecordedRequest = {
      method: incoming.method ?? '',
      path: incoming.url ?? '',
      headers: incoming.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(request);
    await handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  response.writeHead(status, { 'content-type': contentType });
  response.end(JSON.stringify(body));
}

/** The SMS a provider test sends: its body holds the code `123456`, which no error may repeat. */
export function smsMessage(
  verificationId: string,
  overrides: Partial<OutgoingMessage> = {},
): OutgoingMessage {
  return {
    channel: 'sms',
    to: '+447400123456',
    body: 'Acme: your verification code is 123456.\n@acme.test #123456',
    siteKey: 'pk_test_demo',
    verificationId,
    ...overrides,
  };
}

/** A number the fake provider refuses, and the DeliveryError its answer must become. */
export type RefusalCase = [
  to: string,
  code: string,
  retryable: boolean,
  httpStatus: number,
  providerCode: string,
];

/**
 * Each refusal becomes a DeliveryError naming the provider; the provider quotes the number, but the
 * error keeps only its mask, and never the message body.
 */
export function itMapsRefusals(
  title: string,
  provider: string,
  send: (to: string) => Promise<unknown>,
  cases: RefusalCase[],
): void {
  it.each(cases)(title, async (to, code, retryable, httpStatus, providerCode) => {
    const error = await send(to).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ code, retryable, httpStatus, providerCode, provider });
    expect((error as Error).message).not.toContain(to);
    expect((error as Error).message).not.toContain('123456');
  });
}

/** The fake provider never answers `+15005550777`: the sender gives up after `timeoutMs` (150 ms). */
export function itGivesUpAfterItsTimeout(
  provider: string,
  send: (timeoutMs: number, to: string) => Promise<unknown>,
) {
  it('gives up after its timeout', async () => {
    const error = await send(150, '+15005550777').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'timeout', retryable: true, provider });
  });
}
