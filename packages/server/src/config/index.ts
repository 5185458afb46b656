import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const port = z.coerce.number().int().min(0).max(65_535);

const hostPortList = z
  .string()
  .regex(/^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/, 'a list of host:port separated by commas');

const rateLimitRules = z.array(
  z.object({ points: z.number().int().min(1), durationSeconds: z.number().int().min(1) }).strict(),
);

/** Overrides of the fraud domain's documented defaults, as JSON (its `FraudPolicyOverrides`). */
const fraudPolicyOverrides = z
  .object({
    rateLimits: z
      .partialRecord(z.enum(['number', 'ip', 'site', 'prefix', 'country']), rateLimitRules)
      .optional(),
    pumping: z
      .object({
        windowSeconds: z.number().int().min(1),
        settleSeconds: z.number().int().min(0),
        prefixMinSends: z.number().int().min(1),
        minConversion: z.number().min(0).max(1),
        adjacentNumbers: z.number().int().min(2),
        adjacentGap: z.number().int().min(1),
        networkMinPrefixes: z.number().int().min(1),
        networkEvidenceSeconds: z.number().int().min(1),
        spreadBursts: z
          .array(z.object({ sends: z.number().int().min(1), seconds: z.number().int().min(1) }).strict())
          .min(1),
      })
      .partial()
      .strict()
      .optional(),
    wrongCodes: z
      .object({ max: z.number().int().min(1), windowSeconds: z.number().int().min(1) })
      .partial()
      .strict()
      .optional(),
    blockDurationsSeconds: z.array(z.number().int().min(1).nullable()).min(1).optional(),
    escalationMemorySeconds: z.number().int().min(0).optional(),
  })
  .strict();

/** The operator port's APIs, by the names `OPERATOR_PATHS` overrides. */
const operatorApis = z.enum([
  'numberVerification',
  'simSwap',
  'deviceSwap',
  'numberRecycling',
  'kycMatch',
  'kycTenure',
  'ageVerification',
  'roamingStatus',
  'reachabilityStatus',
  'callForwarding',
  'lineInfo',
  'simSwapSubscriptions',
  'roamingSubscriptions',
  'reachabilitySubscriptions',
]);

const jsonText = z.string().transform((text, context) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    context.addIssue({ code: 'custom', message: 'not valid JSON' });
    return z.NEVER;
  }
});

/**
 * The server's configuration, read from the environment once at start. A wrong value stops
 * start-up with one line naming the variable (see {@link loadConfig}).
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(8787),
  PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: the in-memory store. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z.string().max(64).default('proofline:'),
  /** `host:port,host:port` of Redis Cluster nodes; REDIS_URL then only gives the credentials. */
  REDIS_CLUSTER_NODES: hostPortList.optional(),
  /** `host:port,host:port` of Redis Sentinels, with the monitored master's REDIS_SENTINEL_NAME. */
  REDIS_SENTINELS: hostPortList.optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).default('mymaster'),
  PROOFLINE_CONFIG: z.string().min(1).optional(),
  /** Keyed hash of OTP codes; generated per process on embedded defaults. */
  SERVER_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /**
   * Encrypts the phone numbers kept in records (AES-256-GCM); ≥ 32 bytes, made by
   * `proofline secrets generate`. Each key's id is stored beside what it encrypted.
   */
  DATA_KEY: z.string().min(32, 'at least 32 bytes').optional(),
  /** Earlier DATA_KEYs, comma-separated, still read after a rotation until records are migrated. */
  DATA_KEYS: z.string().min(32).optional(),
  /** In production `/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** `none`: no messaging provider on purpose (silent verification only); production starts anyway. */
  MESSAGING: z.enum(['none']).optional(),
  /** A private JWK (JSON) or a JSON array of them, newest first. */
  SIGNING_KEY: z.string().min(2).optional(),
  /**
   * The operator's CAMARA apiRoot (e.g. `https://api.example.com`). Unset: the embedded sandbox
   * operator when the sandbox is enabled, else no operator (no silent step, offline lookups).
   */
  OPERATOR_BASE_URL: z.url().optional(),
  OPERATOR_CLIENT_ID: z.string().optional(),
  /** For `client_secret_basic` and `client_secret_post`. */
  OPERATOR_CLIENT_SECRET: z.string().optional(),
  /** How the client authenticates at the token endpoint. */
  OPERATOR_CLIENT_AUTH: z
    .enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt'])
    .default('client_secret_basic'),
  /** For `private_key_jwt`: the private JWK (JSON) that signs client assertions; its `alg` and `kid` are used. */
  OPERATOR_PRIVATE_KEY: jsonText.pipe(z.record(z.string(), z.unknown())).optional(),
  /** `camara`: current API versions and scopes; `aggregator`: `<api>/v0` paths and `dpv:Purpose#scope` scopes. */
  OPERATOR_DIALECT: z.enum(['camara', 'aggregator']).default('camara'),
  /** Default `<OPERATOR_BASE_URL>/authorize`; the URL the device opens for silent verification. */
  OPERATOR_AUTHORIZE_URL: z.url().optional(),
  /** Default `<OPERATOR_BASE_URL>/oauth2/token`. */
  OPERATOR_TOKEN_URL: z.url().optional(),
  /**
   * JSON overrides of the API version paths, e.g. `{"numberVerification":"number-verification/v0"}`
   * (`null` for an API the operator does not offer; names as in the operator port).
   */
  OPERATOR_PATHS: jsonText.pipe(z.partialRecord(operatorApis, z.string().min(1).nullable())).optional(),
  /** Overrides the dialect's scope style: `camara` (`number-verification:verify`) or `purpose-hash`. */
  OPERATOR_SCOPE_STYLE: z.enum(['camara', 'purpose-hash']).optional(),
  /** The DPV purpose asked for with 3-legged scopes; default `dpv:FraudPreventionAndDetection`. */
  OPERATOR_PURPOSE: z.string().min(1).optional(),
  /** Per operator call attempt. */
  OPERATOR_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  /** A silent attempt not finished in this time falls back to the next channel. */
  SILENT_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(5_000),
  /** Send the typed number as `login_hint=tel:+…` on the authorize URL (some operators want it). */
  SILENT_LOGIN_HINT: booleanFlag.optional(),
  /**
   * Where network, carrier and line facts come from: `operator` (its line-info API, else offline
   * data), `twilio` (Lookup v2), `vonage` (Number Insight Advanced) or `offline` (prefix data).
   * Unset: `operator` when there is one, else `offline`.
   */
  LINE_INFO: z.enum(['operator', 'twilio', 'vonage', 'offline']).optional(),
  TWILIO_LOOKUP_BASE_URL: z.url().default('https://lookups.twilio.com'),
  /** Per line-information request to Twilio or Vonage. */
  LINE_INFO_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  /** Number Verification gets `hashedPhoneNumber` (SHA-256 hex of the E.164 number) instead of the number. */
  OPERATOR_HASHED_PHONE: booleanFlag.default(false),
  ENABLE_SANDBOX: booleanFlag.optional(),
  ENABLE_DEV_INBOX: booleanFlag.optional(),
  ALLOW_INSECURE_WEBHOOKS: booleanFlag.optional(),
  TRUSTED_PROXIES: z.string().optional(),
  /** e.g. `{"rateLimits":{"site":[{"points":100000,"durationSeconds":3600}]}}` for load tests. */
  FRAUD_POLICY: jsonText.pipe(fraudPolicyOverrides).optional(),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
});

type Env = z.infer<typeof EnvSchema>;

/** Every environment variable the server's own configuration reads (the self-hosting docs list them). */
export const configVariables: readonly string[] = Object.keys(EnvSchema.shape);

export type Config = Env & {
  /** Embedded defaults: memory store, sandbox operator, dev inbox, generated keys. */
  embedded: boolean;
  sandboxEnabled: boolean;
  devInboxEnabled: boolean;
  allowInsecureWebhooks: boolean;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Production must be configured explicitly: these variables have no embedded default there. */
const requiredInProduction = ['SIGNING_KEY', 'PROOFLINE_CONFIG', 'SERVER_SECRET', 'DATA_KEY'] as const;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(EnvSchema.shape)
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  );
  const parsed = EnvSchema.safeParse(known);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(`invalid ${name}: ${issue.message} (got ${JSON.stringify(env[name])})`);
  }
  const values = parsed.data;
  const production = values.NODE_ENV === 'production';
  const redis = values.REDIS_URL ?? values.REDIS_CLUSTER_NODES ?? values.REDIS_SENTINELS;
  if (production) {
    if (redis === undefined) throw new ConfigError('missing REDIS_URL: required when NODE_ENV=production');
    for (const name of requiredInProduction) {
      if (values[name] === undefined)
        throw new ConfigError(`missing ${name}: required when NODE_ENV=production`);
    }
  }
  if (values.OPERATOR_BASE_URL !== undefined) {
    if (!values.OPERATOR_CLIENT_ID)
      throw new ConfigError('missing OPERATOR_CLIENT_ID: required with OPERATOR_BASE_URL');
    const credential =
      values.OPERATOR_CLIENT_AUTH === 'private_key_jwt' ? 'OPERATOR_PRIVATE_KEY' : 'OPERATOR_CLIENT_SECRET';
    if (values[credential] === undefined)
      throw new ConfigError(
        `missing ${credential}: required with OPERATOR_CLIENT_AUTH=${values.OPERATOR_CLIENT_AUTH}`,
      );
  }
  const lineInfoCredentials = {
    twilio: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'],
    vonage: ['VONAGE_API_KEY', 'VONAGE_API_SECRET'],
  };
  if (values.LINE_INFO === 'twilio' || values.LINE_INFO === 'vonage') {
    const missing = lineInfoCredentials[values.LINE_INFO].find((name) => !env[name]?.trim());
    if (missing) throw new ConfigError(`missing ${missing}: required with LINE_INFO=${values.LINE_INFO}`);
  }
  const embedded = redis === undefined && values.OPERATOR_BASE_URL === undefined && !production;
  return {
    ...values,
    embedded,
    sandboxEnabled: values.ENABLE_SANDBOX ?? !production,
    devInboxEnabled: values.ENABLE_DEV_INBOX ?? !production,
    allowInsecureWebhooks: values.ALLOW_INSECURE_WEBHOOKS ?? !production,
  };
}

export {
  documentedSecrets,
  durabilityProblems,
  productionRefusal,
  secretWeakness,
  warnIfNotDurable,
} from './production.js';
