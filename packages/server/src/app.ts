import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { type Clock, systemClock } from './clock/index.js';
import { type Config, ConfigError, loadConfig, productionRefusal, warnIfNotDurable } from './config/index.js';
import type { AppDeps } from './deps.js';
import { ProoflineError } from './errors.js';
import { FraudGuard, type NetworkOf, networkOfFromLineInfo } from './fraud/index.js';
import { buildApp } from './http/app.js';
import { monitorEventsPath, silentCallbackPath } from './http/rest/index.js';
import { createLogger, type Logger } from './logging/index.js';
import { createMessaging, messagingConfigFromEnv } from './messaging/index.js';
import { Metrics } from './metrics/index.js';
import { PhoneMonitoring } from './monitoring/index.js';
import { DataCipher, keyedHash } from './privacy/index.js';
import { RetentionJob } from './retention/index.js';
import { CasesRepository, RulesRepository } from './rules/index.js';
import { SilentVerification } from './silent/index.js';
import type { Store } from './store/index.js';
import { MemoryStore } from './store/memory/index.js';
import { demoSite, SettingsRepository, TenantDirectory } from './tenants/index.js';
import { parseSigningKeys, TokenIssuer } from './tokens/index.js';
import {
  createOtpCodes,
  generateServerSecret,
  plainRecords,
  type RecordPrivacy,
  sealedRecords,
  VerificationRepository,
  VerificationService,
  type VerificationWebhooks,
} from './verification/index.js';
import {
  maskPhoneNumbers,
  type ResolveHost,
  WebhookDispatcher,
  type WebhookEndpoints,
} from './webhooks/index.js';
import {
  createLineInfoSource,
  createOperator,
  flowHooks,
  lookupLineInfoFrom,
  operatorLookupSources,
  phoneLookupFlow,
  withSharedLineInfo,
} from './wiring/index.js';

export type StartOptions = {
  /** Environment variables; defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  /** Overrides `PORT`; 0 picks a free port. */
  port?: number;
  clock?: Clock;
  /** A store to use instead of the one configuration names (tests share one between servers). */
  store?: Store;
  logDestination?: DestinationStream;
  /** Where numbers' operator networks come from instead of the operator's line-info (tests, simulations). */
  networkOf?: NetworkOf;
  /** How webhook host names resolve, instead of DNS (tests of the address checks). */
  resolveHost?: ResolveHost;
};

export type RunningProofline = {
  url: string;
  app: FastifyInstance;
  deps: AppDeps;
  close(): Promise<void>;
};

/**
 * How long an instance keeps a site's settings and rules once read. A change through the API drops
 * them on every instance at once (store pub/sub), and an instance whose subscription was cut
 * forgets them all when it is back; the TTL only bounds a value written to the store by hand.
 */
const siteCacheTtlMs = 60_000;

/** The composition root: reads configuration, wires adapters to ports, and listens. */
export async function startProofline(options: StartOptions = {}): Promise<RunningProofline> {
  const env = { ...(options.env ?? process.env) };
  if (options.port !== undefined) env.PORT = String(options.port);
  const config = loadConfig(env);
  const clock = options.clock ?? systemClock;
  const logger = createLogger(config.LOG_LEVEL, options.logDestination);
  const tenants = config.PROOFLINE_CONFIG
    ? TenantDirectory.fromFile(config.PROOFLINE_CONFIG)
    : new TenantDirectory([demoSite]);
  const messagingConfig = messagingConfigFromEnv(env);
  if (config.NODE_ENV === 'production') {
    const { sms, voice, whatsapp, email } = messagingConfig;
    const refusal = productionRefusal(config, {
      channels: { sms, voice, whatsapp, email },
      siteKeys: tenants.all().map((site) => site.siteKey),
    });
    if (refusal) throw new ConfigError(`refusing to start: ${refusal}`);
  }
  const store = options.store ?? (await createStore(config, clock));

  const settings = new SettingsRepository(store, { clock, ttlMs: siteCacheTtlMs });
  const messaging = createMessaging(messagingConfig, { clock, logger });
  const tokens = await TokenIssuer.create({
    issuer: config.PUBLIC_URL ?? 'urn:proofline',
    clock,
    ...(config.SIGNING_KEY ? { signingKeys: parseSigningKeys(config.SIGNING_KEY) } : {}),
  });
  const webhooks = new WebhookDispatcher({
    store,
    clock,
    allowInsecure: config.allowInsecureWebhooks,
    logger,
    endpoints: webhookEndpoints(tenants, settings, clock),
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
  });
  const loadSettings = async (siteKey: string) => {
    const site = tenants.bySiteKeyOrNull(siteKey);
    if (!site) throw new ProoflineError('invalid_site_key');
    return settings.get(site);
  };
  const siteEvents = siteWebhooks(tenants, settings, webhooks, clock, logger);
  const metrics = new Metrics();
  // Known once the server listens; the embedded sandbox operator and the silent callback live there.
  let listenUrl = '';
  const publicUrl = () => config.PUBLIC_URL ?? listenUrl;
  const created = createOperator(config, { clock, metrics, serverUrl: () => listenUrl });
  const operator = created ? withSharedLineInfo(created, clock) : null;
  const lineInfo = createLineInfoSource(config, env, operator);
  const serverSecret = config.SERVER_SECRET ?? generateServerSecret();
  const fraud = new FraudGuard({
    store,
    clock,
    numberKey: keyedHash(serverSecret),
    // The network (MCC-MNC) comes from the configured line-information source (LINE_INFO).
    networkOf: options.networkOf ?? networkOfFromLineInfo(lineInfo),
    onNetworkBlocked: (siteKey, event) => {
      metrics.observer.networkBlocked({ siteKey });
      return siteEvents.publish(siteKey, 'network.blocked', event);
    },
    ...(config.FRAUD_POLICY ? { policy: config.FRAUD_POLICY } : {}),
  });
  const lookupSources = {
    ...(operator ? operatorLookupSources(operator, clock) : {}),
    ...lookupLineInfoFrom(lineInfo),
  };
  const rules = new RulesRepository(store, { clock, ttlMs: siteCacheTtlMs });
  const cases = new CasesRepository(store, clock);
  const flowDeps = {
    rules,
    cases,
    clock,
    lookupSources,
    webhooks: siteEvents,
    networkFromLookup: options.networkOf === undefined,
  };
  const silent = operator
    ? new SilentVerification({
        store,
        clock,
        logger,
        operator,
        redirectUri: () => `${publicUrl()}${silentCallbackPath}`,
        loadSettings,
        timeoutMs: config.SILENT_TIMEOUT_MS,
        loginHint: config.SILENT_LOGIN_HINT ?? false,
        hashedPhone: config.OPERATOR_HASHED_PHONE,
      })
    : null;
  const monitoring = operator
    ? new PhoneMonitoring({
        store,
        clock,
        operator,
        sinkUrl: (id) => `${publicUrl()}${monitorEventsPath(id)}`,
        loadSettings,
        webhooks: siteEvents,
      })
    : null;
  const cipher = DataCipher.fromConfig(config);
  const recordPrivacy: RecordPrivacy = {
    codec: cipher ? sealedRecords(cipher) : plainRecords,
    phoneKey: keyedHash(serverSecret),
  };
  const records = new VerificationRepository(store, config.RETENTION_DAYS * 86_400_000, recordPrivacy);
  const verification = new VerificationService({
    repository: records,
    clock,
    logger,
    codes: createOtpCodes(serverSecret),
    messaging,
    tokens,
    loadSettings,
    webhooks: siteEvents,
    sendGuard: fraud,
    hooks: flowHooks(flowDeps),
    silent,
    observer: metrics.observer,
    silentTimeoutMs: config.SILENT_TIMEOUT_MS,
  });

  const deps: AppDeps = {
    config,
    clock,
    store,
    logger,
    metrics,
    tenants,
    settings,
    messaging,
    tokens,
    webhooks,
    verification,
    fraud,
    operator,
    silent,
    monitoring,
    rules,
    cases,
    lookupSources,
    phoneLookup: phoneLookupFlow(flowDeps),
    keyedHash: keyedHash(serverSecret),
  };
  if (config.NODE_ENV === 'production') {
    if (config.devInboxEnabled) logger.warn('the dev inbox is enabled in production');
    await warnIfNotDurable(store, logger);
  }

  // Deletes verification records past RETENTION_DAYS; every instance may run it.
  const retention = new RetentionJob({
    records,
    clock,
    logger,
    retentionDays: config.RETENTION_DAYS,
  });

  // Until subscribed, another instance's change would reach this one only by the TTL.
  await Promise.all([settings.listen(), rules.listen()]).catch((error: unknown) =>
    logger.warn(
      { err: error },
      'not subscribed to site changes yet; cached settings and rules expire by TTL',
    ),
  );
  const app = await buildApp(deps);
  webhooks.start();
  retention.start();
  const address = await app.listen({
    host: config.HOST,
    port: config.PORT,
    listenTextResolver: (address) => `listening on ${address}`,
  });
  const url = address.replace('[::1]', 'localhost');
  listenUrl = url;

  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    deps,
    close() {
      closing ??= (async () => {
        await app.close();
        await webhooks.stop();
        await retention.stop();
        messaging.close();
        if (!options.store) await store.close();
      })();
      return closing;
    },
  };
}

/**
 * Verification events go to the site's webhook URL, when it set one and it is not disabled, signed
 * with its current secrets, with numbers masked unless the site asked for them in full.
 */
function siteWebhooks(
  tenants: TenantDirectory,
  settings: SettingsRepository,
  dispatcher: WebhookDispatcher,
  clock: Clock,
  logger: Logger,
): VerificationWebhooks {
  const prepare: VerificationWebhooks['prepare'] = async (siteKey, type, data, known) => {
    const site = tenants.bySiteKeyOrNull(siteKey);
    if (!site) return null;
    const current = known ?? (await settings.get(site));
    if (!current.webhook_url || current.webhook_status === 'disabled') return null;
    const secrets = await settings.signingSecrets(site, clock.now());
    const body = current.webhook_full_phone ? data : maskPhoneNumbers(data);
    try {
      return dispatcher.prepare(siteKey, current.webhook_url, secrets, { type, data: body });
    } catch (error) {
      // A URL stored before it would be refused today must not stop the verification itself.
      logger.warn({ err: error, siteKey, type }, 'webhook not queued');
      return null;
    }
  };
  return {
    prepare,
    async publish(siteKey, type, data) {
      const item = await prepare(siteKey, type, data);
      if (item) await dispatcher.enqueueItem(item);
    },
  };
}

/** What the dispatcher reads of a site's endpoint at each attempt, and the 410 switch. */
function webhookEndpoints(
  tenants: TenantDirectory,
  settings: SettingsRepository,
  clock: Clock,
): WebhookEndpoints {
  return {
    async current(siteKey) {
      const site = tenants.bySiteKeyOrNull(siteKey);
      if (!site) return null;
      const current = await settings.get(site);
      return {
        url: current.webhook_url,
        secrets: await settings.signingSecrets(site, clock.now()),
        disabled: current.webhook_status === 'disabled',
      };
    },
    async disable(siteKey, url) {
      const site = tenants.bySiteKeyOrNull(siteKey);
      if (site) await settings.disableWebhook(site, url);
    },
  };
}

/** The store the configuration names (also what `proofline doctor` connects to). */
export async function createStore(config: Config, clock: Clock): Promise<Store> {
  const cluster = config.REDIS_CLUSTER_NODES;
  const sentinels = config.REDIS_SENTINELS;
  if (config.REDIS_URL === undefined && cluster === undefined && sentinels === undefined)
    return new MemoryStore(clock);
  const { createRedisStore, parseRedisNodes } = await import('./store/redis/index.js');
  return createRedisStore({
    ...(config.REDIS_URL ? { url: config.REDIS_URL } : {}),
    keyPrefix: config.REDIS_KEY_PREFIX,
    ...(cluster ? { cluster: { nodes: parseRedisNodes(cluster) } } : {}),
    ...(sentinels
      ? {
          sentinel: { sentinels: parseRedisNodes(sentinels), name: config.REDIS_SENTINEL_NAME ?? 'mymaster' },
        }
      : {}),
  });
}
