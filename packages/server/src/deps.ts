import type { Clock } from './clock/index.js';
import type { Config } from './config/index.js';
import type { FraudGuard } from './fraud/index.js';
import type { Logger } from './logging/index.js';
import type { Messaging } from './messaging/index.js';
import type { Metrics } from './metrics/index.js';
import type { Store } from './store/index.js';
import type { SettingsRepository, TenantDirectory } from './tenants/index.js';
import type { TokenIssuer } from './tokens/index.js';
import type { VerificationService } from './verification/index.js';
import type { WebhookDispatcher } from './webhooks/index.js';

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
};
