import type { Clock } from './clock/index.js';
import type { Config } from './config/index.js';
import type { FraudGuard } from './fraud/index.js';
import type { Logger } from './logging/index.js';
import type { LookupDeps } from './lookup/index.js';
import type { Messaging } from './messaging/index.js';
import type { Metrics } from './metrics/index.js';
import type { PhoneMonitoring } from './monitoring/index.js';
import type { Operator } from './operator/index.js';
import type { KeyedHash } from './privacy/index.js';
import type { CasesRepository, RulesRepository } from './rules/index.js';
import type { SilentVerification } from './silent/index.js';
import type { Store } from './store/index.js';
import type { SettingsRepository, TenantDirectory } from './tenants/index.js';
import type { TokenIssuer } from './tokens/index.js';
import type { VerificationService } from './verification/index.js';
import type { WebhookDispatcher } from './webhooks/index.js';
import type { PhoneLookupFlow } from './wiring/index.js';

/** Everything the HTTP layer hands to the domains, wired once in `app.ts` from configuration. */
export type AppDeps = {
  config: Config;
  clock: Clock;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  tenants: TenantDirectory;
  settings: SettingsRepository;
  messaging: Messaging;
  tokens: TokenIssuer;
  webhooks: WebhookDispatcher;
  verification: VerificationService;
  fraud: FraudGuard;
  /** The deployment's mobile operator; null when none is configured (and the sandbox is off). */
  operator: Operator | null;
  /** Silent verification over the operator; null without an operator. */
  silent: SilentVerification | null;
  /** SIM-swap, roaming and reachability watches at the operator; null without an operator. */
  monitoring: PhoneMonitoring | null;
  rules: RulesRepository;
  cases: CasesRepository;
  /** Where lookups learn about a line: the operator's APIs, when there is one. */
  lookupSources: Omit<LookupDeps, 'clock'>;
  /** `POST /v1/phone/lookup`: the lookup and the site's `phone_lookup_complete` rules. */
  phoneLookup: PhoneLookupFlow;
  /** HMAC under `SERVER_SECRET`: values derived again on every instance, never stored. */
  keyedHash: KeyedHash;
};
