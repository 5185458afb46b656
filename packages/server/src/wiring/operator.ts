import type { JWK } from 'jose';
import type { Clock } from '../clock/index.js';
import { type Config, ConfigError } from '../config/index.js';
import { type LookupSources, sharedByNumber } from '../lookup/index.js';
import type { Metrics } from '../metrics/index.js';
import {
  type ClientAuth,
  createCamaraOperator,
  keepAliveTransport,
  type Transport,
} from '../operator/camara/index.js';
import type { Operator } from '../operator/index.js';
import { sandboxClientId, sandboxClientSecret } from '../operator/sandbox/index.js';

export const sandboxBasePath = '/sandbox/operator';

export type OperatorWiring = {
  clock: Clock;
  metrics: Metrics;
  /** Where this server listens (known once it does): the embedded sandbox is called there. */
  serverUrl: () => string;
};

/**
 * The deployment's operator: the CAMARA endpoint of `OPERATOR_BASE_URL`, else the embedded sandbox
 * (when enabled), else none (no silent step; lookups from offline prefix data).
 */
export function createOperator(config: Config, wiring: OperatorWiring): Operator | null {
  const deps = { clock: wiring.clock, transport: instrumentedTransport(wiring.metrics) };
  if (config.OPERATOR_BASE_URL !== undefined) {
    return createCamaraOperator(
      {
        baseUrl: config.OPERATOR_BASE_URL,
        ...(config.OPERATOR_AUTHORIZE_URL ? { authorizeUrl: config.OPERATOR_AUTHORIZE_URL } : {}),
        ...(config.OPERATOR_TOKEN_URL ? { tokenUrl: config.OPERATOR_TOKEN_URL } : {}),
        clientId: config.OPERATOR_CLIENT_ID ?? '',
        clientAuth: clientAuthOf(config),
        dialect: config.OPERATOR_DIALECT,
        ...(config.OPERATOR_PATHS ? { paths: config.OPERATOR_PATHS } : {}),
        ...(config.OPERATOR_SCOPE_STYLE ? { scopeStyle: config.OPERATOR_SCOPE_STYLE } : {}),
        ...(config.OPERATOR_PURPOSE ? { purpose: config.OPERATOR_PURPOSE } : {}),
        timeoutMs: config.OPERATOR_TIMEOUT_MS,
      },
      deps,
    );
  }
  if (!config.sandboxEnabled) return null;
  const sandboxUrl = () => `${wiring.serverUrl()}${sandboxBasePath}`;
  return createCamaraOperator(
    {
      baseUrl: sandboxUrl,
      // The browser opens the authorize URL: behind a proxy that is the public address, not ours.
      ...(config.PUBLIC_URL ? { authorizeUrl: `${config.PUBLIC_URL}${sandboxBasePath}/authorize` } : {}),
      clientId: sandboxClientId,
      clientAuth: { method: 'client_secret_basic', clientSecret: sandboxClientSecret },
      timeoutMs: config.OPERATOR_TIMEOUT_MS,
    },
    deps,
  );
}

function clientAuthOf(config: Config): ClientAuth {
  if (config.OPERATOR_CLIENT_AUTH !== 'private_key_jwt') {
    return { method: config.OPERATOR_CLIENT_AUTH, clientSecret: config.OPERATOR_CLIENT_SECRET ?? '' };
  }
  const privateKey = config.OPERATOR_PRIVATE_KEY as JWK;
  const alg = privateKey.alg ?? defaultAlg[`${privateKey.kty}:${privateKey.crv ?? ''}`];
  if (alg !== 'ES256' && alg !== 'RS256' && alg !== 'PS256' && alg !== 'EdDSA') {
    throw new ConfigError('invalid OPERATOR_PRIVATE_KEY: an EC P-256, Ed25519 or RSA private JWK');
  }
  return { method: 'private_key_jwt', privateKey, alg, ...(privateKey.kid ? { kid: privateKey.kid } : {}) };
}

const defaultAlg: Record<string, string> = { 'EC:P-256': 'ES256', 'OKP:Ed25519': 'EdDSA', 'RSA:': 'RS256' };

/**
 * The keep-alive transport, timing every operator call into `proofline_operator_call_seconds{api}`; counts
 * failures into `proofline_operator_errors_total{api, code}` (the CAMARA or OAuth error code).
 * The `api` label is the first path segment after the apiRoot's own path (`sim-swap`, `oauth2`).
 */
function instrumentedTransport(metrics: Metrics): Transport {
  return async (url, request) => {
    const api = apiOf(url);
    const stop = metrics.operatorLatency.startTimer({ api });
    try {
      const reply = await keepAliveTransport(url, request);
      if (reply.status >= 400) metrics.operatorErrors.inc({ api, code: errorCodeOf(reply) });
      return reply;
    } catch (error) {
      metrics.operatorErrors.inc({ api, code: request.signal.aborted ? 'TIMEOUT' : 'UNAVAILABLE' });
      throw error;
    } finally {
      stop();
    }
  };
}

const apiSegments = /\/(oauth2|[a-z]+(?:-[a-z]+)*)\/(?:v\d[^/]*\/|token)/;

function apiOf(url: string): string {
  const path = new URL(url).pathname;
  return apiSegments.exec(path)?.[1] ?? 'other';
}

function errorCodeOf(reply: { status: number; text: string }): string {
  try {
    const body = JSON.parse(reply.text) as { code?: unknown; error?: unknown };
    if (typeof body.code === 'string') return body.code.slice(0, 64);
    if (typeof body.error === 'string') return body.error.slice(0, 64);
  } catch {}
  return String(reply.status);
}

const dayMs = 86_400_000;
/** A number that changed subscriber within this window counts as recycled for a lookup. */
const recyclingWindowDays = 90;

/**
 * How long the operator's answers about a number are reused on one instance: a start asks for the
 * line info twice within milliseconds (the fraud gate's network, the lookup's line type), and a
 * user who retries within the window costs no new calls. Short, so that a SIM swap or a status
 * change is seen on the next start after it.
 */
export const lineFactsTtlMs = 30_000;
const lineFactsMaxNumbers = 50_000;

/**
 * Lookup's operator-backed sources: line info (through the operator given, see `withSharedLineInfo`),
 * the latest SIM change, recycling and roaming, each asked at most once per number per
 * `lineFactsTtlMs` on this instance.
 */
export function operatorLookupSources(operator: Operator, clock: Clock): LookupSources {
  const shared = <T>(source: (e164: string) => Promise<T>) =>
    sharedByNumber(source, { clock, ttlMs: lineFactsTtlMs, max: lineFactsMaxNumbers });
  return {
    lineInfo: async (e164) => {
      const line = await operator.lineInfo({ phoneNumber: e164 });
      return line && { ...line, source: 'operator' };
    },
    simSwapDate: shared(
      async (e164) => (await operator.simSwap.retrieveDate({ phoneNumber: e164 })).latestChange,
    ),
    roaming: shared(async (e164) => (await operator.roamingStatus({ phoneNumber: e164 })).roaming),
    recycled: shared((e164) =>
      operator.numberRecycling.check({
        phoneNumber: e164,
        specifiedDate: new Date(clock.now() - recyclingWindowDays * dayMs).toISOString().slice(0, 10),
      }),
    ),
  };
}

/**
 * The operator with its line info asked at most once per number per `lineFactsTtlMs`, for every
 * caller on this instance: the fraud gate and the lookup both hold this operator.
 */
export function withSharedLineInfo(operator: Operator, clock: Clock): Operator {
  const lineInfo = sharedByNumber((phoneNumber) => operator.lineInfo({ phoneNumber }), {
    clock,
    ttlMs: lineFactsTtlMs,
    max: lineFactsMaxNumbers,
  });
  return { ...operator, lineInfo: (input) => lineInfo(input.phoneNumber) };
}
