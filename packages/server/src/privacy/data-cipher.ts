import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** Text the cipher wrote: `enc1.<key id>.<iv>.<ciphertext+tag>` (base64url parts). */
const sealedPattern = /^enc1\.([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]+)$/;

type DataKey = { id: string; key: Buffer };

function dataKey(secret: string): DataKey {
  // HKDF turns any ≥ 32-byte secret into the AES-256 key; the id names the key, never reveals it.
  const key = Buffer.from(hkdfSync('sha256', secret, '', 'proofline data key', 32));
  const id = createHash('sha256').update(key).update('key id').digest('base64url').slice(0, 8);
  return { id, key };
}

class DataKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataKeyError';
  }
}

/**
 * AES-256-GCM for what is kept at rest (phone numbers in records). Each text carries the id of the
 * key that sealed it, so `DATA_KEY` can rotate: the new key seals, the old ones (`DATA_KEYS`) still
 * open until every record has been written again. `context` (e.g. the record id) is authenticated
 * with the text, so a sealed value moved to another record does not open.
 */
export class DataCipher {
  private readonly current: DataKey;
  private readonly byId: Map<string, DataKey>;

  constructor(currentSecret: string, olderSecrets: readonly string[] = []) {
    this.current = dataKey(currentSecret);
    this.byId = new Map([this.current, ...olderSecrets.map(dataKey)].map((key) => [key.id, key]));
  }

  /** `DATA_KEY` and the comma-separated `DATA_KEYS`; null when no key is configured. */
  static fromConfig(config: {
    DATA_KEY?: string | undefined;
    DATA_KEYS?: string | undefined;
  }): DataCipher | null {
    if (!config.DATA_KEY) return null;
    const older = (config.DATA_KEYS ?? '')
      .split(',')
      .map((secret) => secret.trim())
      .filter(Boolean);
    return new DataCipher(config.DATA_KEY, older);
  }

  get keyId(): string {
    return this.current.id;
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(context));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `enc1.${this.current.id}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  open(text: string, context: string): string {
    const match = sealedPattern.exec(text);
    if (!match) throw new DataKeyError('not a sealed value');
    const key = this.byId.get(match[1]!);
    if (!key)
      throw new DataKeyError(`sealed with key ${match[1]}, which neither DATA_KEY nor DATA_KEYS holds`);
    const sealed = Buffer.from(match[3]!, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(match[2]!, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    try {
      return Buffer.concat([
        decipher.update(sealed.subarray(0, sealed.length - 16)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new DataKeyError('a sealed value does not open: altered, or moved from another record');
    }
  }

  /** Whether `text` was sealed with the current key (else a migration writes it again). */
  isCurrent(text: string): boolean {
    return sealedPattern.exec(text)?.[1] === this.current.id;
  }
}
