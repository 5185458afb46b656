import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { ProoflineError } from '../../errors.js';

/**
 * The major version of the embed contract (attributes, events, form value): `/widget/v1/` follows
 * every release of it; `/widget/<exact version>/` never changes once published.
 */
const WIDGET_CHANNEL = 'v1';

/** The files a page loads by URL (the rest are chunks they import), each with its SRI hash. */
const entries = ['proofline.js', 'proofline.esm.js'] as const;

/** `sha384-…` of a file as served, for the `integrity` attribute. */
function subresourceIntegrity(bytes: Buffer): string {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

/**
 * The built widget at `/widget/` (as before), `/widget/<version>/` (immutable: cached for a year,
 * safe with SRI) and `/widget/v1/` (revalidated hourly, to pick up 1.x releases). Each versioned
 * folder publishes `<entry>.sri` and `integrity.json`, read from the bytes served, so they always agree.
 */
export async function registerWidgetRoutes(
  app: FastifyInstance,
  dist: string,
  version: string,
): Promise<void> {
  const integrity = (file: string) => {
    try {
      return subresourceIntegrity(readFileSync(join(dist, file)));
    } catch {
      throw new ProoflineError('not_found', `The widget has no ${file}.`);
    }
  };
  const folders = [
    { prefix: '/widget/', cache: 'public, max-age=300', versioned: false },
    { prefix: `/widget/${version}/`, cache: 'public, max-age=31536000, immutable', versioned: true },
    { prefix: `/widget/${WIDGET_CHANNEL}/`, cache: 'public, max-age=3600', versioned: true },
  ];
  for (const [index, folder] of folders.entries()) {
    if (folder.versioned) {
      for (const entry of entries) {
        app.get(`${folder.prefix}${entry}.sri`, async (_request, reply) => {
          reply.header('cache-control', folder.cache).header('access-control-allow-origin', '*');
          reply.type('text/plain; charset=utf-8');
          return `${integrity(entry)}\n`;
        });
      }
      app.get(`${folder.prefix}integrity.json`, async (_request, reply) => {
        reply.header('cache-control', folder.cache).header('access-control-allow-origin', '*');
        return {
          version,
          files: Object.fromEntries(
            entries.map((entry) => [
              entry,
              { url: `/widget/${version}/${entry}`, integrity: integrity(entry) },
            ]),
          ),
        };
      });
    }
    await app.register(fastifyStatic, {
      root: dist,
      prefix: folder.prefix,
      cacheControl: false,
      decorateReply: index === 0,
      setHeaders(reply, path) {
        // Hashed chunks never change; an unversioned entry script is revalidated to pick up new releases.
        const hashed = /-[A-Za-z0-9_-]{8,}\.js$/.test(path);
        reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : folder.cache);
        reply.header('access-control-allow-origin', '*');
      },
    });
  }
}
