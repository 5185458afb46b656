import { createStore } from '../app.js';
import { systemClock } from '../clock/index.js';
import { loadConfig } from '../config/index.js';
import { DataCipher, keyedHash } from '../privacy/index.js';
import { sealedRecords, VerificationRepository } from '../verification/index.js';
import { UsageError } from './usage-error.js';

/**
 * Seals with the current `DATA_KEY` every verification record still plain (written before
 * `DATA_KEY` was set) or sealed with an older key of `DATA_KEYS`; afterwards the old key can go.
 */
export async function migrateRecords(env: Record<string, string | undefined>): Promise<string[]> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const cipher = DataCipher.fromConfig(config);
  if (!cipher || !config.SERVER_SECRET)
    throw new UsageError('records migrate needs DATA_KEY and SERVER_SECRET');
  if (!config.REDIS_URL && !config.REDIS_CLUSTER_NODES && !config.REDIS_SENTINELS) {
    throw new UsageError('records migrate needs REDIS_URL (the in-memory store keeps nothing to migrate)');
  }
  const store = await createStore(config, systemClock);
  try {
    const repository = new VerificationRepository(store, config.RETENTION_DAYS * 86_400_000, {
      codec: sealedRecords(cipher),
      phoneKey: keyedHash(config.SERVER_SECRET),
    });
    const written = await repository.migrateAll();
    return [`${written} record${written === 1 ? '' : 's'} sealed with key ${cipher.keyId}`];
  } finally {
    await store.close();
  }
}
