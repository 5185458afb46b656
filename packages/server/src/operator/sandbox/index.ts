export { sandboxClientId, sandboxClientSecret } from './oauth-routes.js';
export { sandboxOperatorPlugin } from './plugin.js';
export type { SandboxDialect } from './scopes.js';
export { type RunningSandboxOperator, startSandboxOperator } from './standalone.js';
