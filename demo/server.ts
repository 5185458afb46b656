import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { type RiskFactor, recoverPage, resultPage, signupPage } from './pages.js';

/**
 * The demo: a customer's site with its own backend, a separate process from Proofline. It keeps
 * the secret key on the server, checks tokens with siteverify, and proxies the few sandbox and
 * settings calls its panels make (those need the secret key or are server-to-server).
 */
export type DemoOptions = { prooflineUrl: string; secret: string; siteKey: string };

export async function buildDemo(options: DemoOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(formbody);
  await app.register(fastifyStatic, {
    root: fileURLToPath(new URL('./public/', import.meta.url)),
    prefix: '/assets/',
  });
  const proofline = (path: string, init: RequestInit = {}) =>
    fetch(`${options.prooflineUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${options.secret}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });
  const page = { prooflineUrl: options.prooflineUrl, siteKey: options.siteKey };

  app.get('/', async (_request, reply) => reply.type('text/html').send(signupPage(page)));
  app.get('/recover', async (_request, reply) => reply.type('text/html').send(recoverPage(page)));
  // Opening /signup (a bookmark, a result that has been forgotten) starts again rather than a 404.
  app.get('/signup', async (_request, reply) => reply.redirect('/', 303));

  // Post/redirect/get: the result has its own address, so reloading it shows it again instead of
  // posting a token that has already been redeemed. The demo keeps the last few results in memory.
  const results = new Map<string, Parameters<typeof resultPage>[0]>();
  app.get('/result/:id', async (request, reply) => {
    const shown = results.get((request.params as { id: string }).id);
    if (!shown) return reply.redirect('/', 303);
    return reply.type('text/html').send(resultPage(shown));
  });

  // The form posts the widget's token; the backend redeems it once with its secret.
  app.post('/signup', async (request, reply) => {
    const form = request.body as Record<string, string | undefined>;
    const token = form['proofline-token'] ?? '';
    const answer = await proofline('/v1/siteverify', {
      method: 'POST',
      body: JSON.stringify({ response: token, secret: options.secret }),
    });
    const result = (await answer.json()) as Record<string, unknown>;
    // Why the number scored what it did: the risk factors of a lookup of the verified number.
    let factors: RiskFactor[] = [];
    if (result.success && typeof result.phone === 'string') {
      const lookup = await proofline('/v1/phone/lookup', {
        method: 'POST',
        body: JSON.stringify({ phone: result.phone }),
      });
      if (lookup.ok) {
        const body = (await lookup.json()) as { risk_assessment?: { factors?: RiskFactor[] } };
        factors = body.risk_assessment?.factors ?? [];
      }
    }
    const id = randomUUID();
    results.set(id, { ...page, name: form.name ?? '', result, factors });
    if (results.size > 100) results.delete(results.keys().next().value!);
    return reply.redirect(`/result/${id}`, 303);
  });

  // Panel endpoints: the browser never sees the secret key.
  app.get('/api/inbox', async (request) => {
    const { to } = request.query as { to?: string };
    if (!to) return { messages: [] };
    return (await fetch(`${options.prooflineUrl}/dev/inbox?to=${encodeURIComponent(to)}`)).json();
  });
  app.put('/api/device', async (request, reply) =>
    forward(
      reply,
      proofline('/sandbox/operator/device', { method: 'PUT', body: JSON.stringify(request.body) }),
    ),
  );
  app.put('/api/subscribers/:phone', async (request, reply) => {
    const { phone } = request.params as { phone: string };
    return forward(
      reply,
      proofline(`/sandbox/operator/subscribers/${encodeURIComponent(phone)}`, {
        method: 'PUT',
        body: JSON.stringify(request.body),
      }),
    );
  });
  app.get('/api/settings', async (_request, reply) =>
    forward(reply, proofline('/v1/settings/phone-verification')),
  );
  app.put('/api/settings', async (request, reply) =>
    forward(
      reply,
      proofline('/v1/settings/phone-verification', { method: 'PUT', body: JSON.stringify(request.body) }),
    ),
  );
  return app;
}

async function forward(reply: import('fastify').FastifyReply, answer: Promise<Response>) {
  const response = await answer;
  return reply
    .status(response.status)
    .type('application/json')
    .send(await response.text());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.DEMO_PORT ?? 5173);
  const app = await buildDemo({
    prooflineUrl: process.env.PROOFLINE_URL ?? 'http://127.0.0.1:8787',
    secret: process.env.PROOFLINE_SECRET ?? 'sk_test_demo',
    siteKey: process.env.PROOFLINE_SITE_KEY ?? 'pk_test_demo',
  });
  await app.listen({ host: 'localhost', port });
  console.log(`demo listening on http://localhost:${port}/`);
  const stop = () => app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
