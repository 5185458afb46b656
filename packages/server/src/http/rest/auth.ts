import type { FastifyRequest } from 'fastify';
import { ProoflineError } from '../../errors.js';
import type { Site, TenantDirectory } from '../../tenants/index.js';

/** The site whose secret key is in `Authorization: Bearer sk_…`; 401 otherwise. */
export function requireSecret(request: FastifyRequest, tenants: TenantDirectory): Site {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) throw new ProoflineError('unauthorized', 'Send the secret key as Authorization: Bearer sk_….');
  const site = tenants.bySecret(match[1]!);
  if (!site) throw new ProoflineError('unauthorized', 'The secret key is not valid.');
  return site;
}
