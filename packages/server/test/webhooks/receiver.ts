import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type ReceivedWebhook = { path: string; headers: IncomingHttpHeaders; body: string };

/** How the receiver answers one request; `hang` never answers (for timeouts). */
export type Reply = { status: number; headers?: Record<string, string> } | 'hang';

/**
 * A site's webhook endpoint on 127.0.0.1: records each request with its raw body and answers
 * with the scripted replies in order (then 200).
 */
export async function startReceiver(replies: Reply[] = []) {
  const received: ReceivedWebhook[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      });
      for (const waiter of waiting.filter((entry) => received.length >= entry.count)) waiter.resolve();
      const reply = replies.shift() ?? { status: 200 };
      if (reply === 'hang') {
        hanging.push(response);
        return;
      }
      response.writeHead(reply.status, reply.headers).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/proofline`,
    received,
    /** Resolves once `count` requests have arrived. */
    receivedCount(count: number): Promise<void> {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiting.push({ count, resolve }));
    },
    close(): Promise<void> {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
