import type { Logger } from '../logging/index.js';
import type { Store, StoreDurability } from '../store/index.js';

/**
 * Secrets printed in Proofline's own docs and examples: anyone can read them, so production
 * refuses them (a test keeps this list in step with docs/).
 */
export const documentedSecrets: readonly string[] = [
  'pD8e0Lq2mV1cR7sT9xW4yZ6aB3nF5hJ0kQ2uE8iO1gM',
  'Yc4Nw8Rk2Tq6Vz1Xb9Ls3Hd7Pf5Jm0Ga2Ue4Io6Ky8Ct',
  'f3Jq9Zr1Lx7Cv5Bn2Mm8Kk4Hh6Gg0Dd2Ss4Aa6Qq8W',
];

/** Why a secret is weak, or null when it is not. */
export function secretWeakness(value: string): string | null {
  if (Buffer.byteLength(value, 'utf8') < 32) return 'under 32 bytes';
  if (/^(.)\1*$/su.test(value)) return 'one repeated character';
  if (documentedSecrets.includes(value)) return 'a value from the docs';
  return null;
}

/** What start-up knows besides the environment: the channels' providers and the tenants' site keys. */
export type ProductionFacts = {
  /** Provider per channel: `twilio`, `vonage`, `smtp`, `dev` or `off`. */
  channels: Record<string, string>;
  siteKeys: readonly string[];
};

/** What {@link productionRefusal} reads of the configuration (a `Config` is one). */
type ProductionConfig = {
  MESSAGING?: string | undefined;
  sandboxEnabled: boolean;
  SERVER_SECRET?: string | undefined;
  DATA_KEY?: string | undefined;
  DATA_KEYS?: string | undefined;
  METRICS_TOKEN?: string | undefined;
  ALLOW_INSECURE_WEBHOOKS?: boolean | undefined;
};

/**
 * The states production refuses to start in (DESIGN "Durability and production"), as one line
 * naming the cause, or null. Only asked when NODE_ENV=production.
 */
export function productionRefusal(config: ProductionConfig, facts: ProductionFacts): string | null {
  const providers = Object.entries(facts.channels);
  const devChannel = providers.find(([, provider]) => provider === 'dev');
  if (devChannel) {
    return `MESSAGING_${devChannel[0].toUpperCase()}=dev keeps codes in memory: no user would receive them`;
  }
  if (config.MESSAGING !== 'none' && providers.every(([, provider]) => provider === 'off')) {
    return 'no messaging provider configured: set TWILIO_*, VONAGE_* or SMTP_URL, or MESSAGING=none for silent verification only';
  }
  if (config.sandboxEnabled)
    return 'ENABLE_SANDBOX=true: anyone could approve any number through the sandbox operator';
  for (const name of ['SERVER_SECRET', 'DATA_KEY'] as const) {
    const value = config[name];
    const weakness = value === undefined ? null : secretWeakness(value);
    if (weakness) return `${name} is weak (${weakness}): make one with \`proofline secrets generate\``;
  }
  for (const old of config.DATA_KEYS?.split(',') ?? []) {
    const weakness = secretWeakness(old.trim());
    if (weakness) return `DATA_KEYS holds a weak key (${weakness})`;
  }
  if (config.METRICS_TOKEN && documentedSecrets.includes(config.METRICS_TOKEN)) {
    return 'METRICS_TOKEN is weak (a value from the docs): make one with `proofline secrets generate`';
  }
  const testSite = facts.siteKeys.find((siteKey) => siteKey.includes('_test_'));
  if (testSite) return `PROOFLINE_CONFIG has the test site ${testSite}: production sites use live keys`;
  if (config.ALLOW_INSECURE_WEBHOOKS) {
    return 'ALLOW_INSECURE_WEBHOOKS=true: webhooks could reach http:// and internal addresses';
  }
  return null;
}

/** Redis that forgets on restart or evicts under memory pressure can let a redeemed token pass again. */
export async function warnIfNotDurable(
  store: Store,
  logger: Pick<Logger, 'warn'>,
): Promise<StoreDurability | null> {
  let durability: StoreDurability | null;
  try {
    durability = await store.durability();
  } catch (error) {
    logger.warn({ err: error }, 'could not read the Redis persistence settings');
    return null;
  }
  const problems = durabilityProblems(durability);
  if (problems.length > 0) logger.warn(`Redis is not durable: ${problems.join('; ')}`);
  return durability;
}

/** What is wrong with how the store keeps data, in words an operator can act on. */
export function durabilityProblems(durability: StoreDurability | null): string[] {
  if (!durability) return [];
  const problems: string[] = [];
  if (!durability.persistence) {
    problems.push('no persistence (set appendonly yes or save): a restart forgets redeemed tokens');
  }
  if (durability.evictionPolicy !== 'noeviction') {
    problems.push(
      `maxmemory-policy is ${durability.evictionPolicy} (set noeviction): Redis may drop records`,
    );
  }
  return problems;
}
