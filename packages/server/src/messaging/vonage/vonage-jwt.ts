import { randomUUID } from 'node:crypto';
import { type CryptoKey, importPKCS8, SignJWT } from 'jose';
import type { Clock } from '../../clock/index.js';

/**
 * Vonage application JWTs: RS256 with the application's private key, claims `application_id`,
 * `iat`, `jti` and a short `exp`. A new token per request keeps clocks and replays out of the way.
 */
export class VonageJwtSigner {
  private key: Promise<CryptoKey> | undefined;

  constructor(
    private readonly applicationId: string,
    private readonly privateKeyPem: string,
    private readonly clock: Clock,
  ) {}

  async sign(): Promise<string> {
    this.key ??= importPKCS8(this.privateKeyPem, 'RS256');
    const now = Math.floor(this.clock.now() / 1000);
    return new SignJWT({ application_id: this.applicationId })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .setJti(randomUUID())
      .sign(await this.key);
  }
}
