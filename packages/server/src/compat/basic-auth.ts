import type { FastifyRequest } from 'fastify';

/** The user and password of `Authorization: Basic …`; null when the header is absent or not Basic. */
export function basicCredentials(request: FastifyRequest): { user: string; password: string } | null {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
