import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { UsageError } from './usage-error.js';

/** `SERVER_SECRET`, `DATA_KEY` and `METRICS_TOKEN`: 32 random bytes each, as lines of an environment file. */
export function generateSecrets(): string[] {
  const secret = () => randomBytes(32).toString('base64url');
  return [`SERVER_SECRET=${secret()}`, `DATA_KEY=${secret()}`, `METRICS_TOKEN=${secret()}`];
}

/** A private signing JWK with its `kid` (the public key's thumbprint), for `SIGNING_KEY`. */
export async function generateSigningKey(alg: string | undefined): Promise<Record<string, unknown>> {
  const algorithm = alg ?? 'ES256';
  if (algorithm !== 'ES256' && algorithm !== 'EdDSA') throw new UsageError('--alg must be ES256 or EdDSA');
  const { privateKey, publicKey } = await generateKeyPair(algorithm, {
    extractable: true,
    ...(algorithm === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  return { ...(await exportJWK(privateKey)), kid, alg: algorithm, use: 'sig' };
}
