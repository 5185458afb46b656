export {
  aggregatorPaths,
  aggregatorScopes,
  type CamaraApiName,
  type CamaraOperatorConfig,
  type CamaraScopeName,
  type ClientAuth,
  camaraPaths,
  camaraScopes,
  type ScopeStyle,
} from './config.js';
export type { FetchLike } from './http.js';
export { type CamaraOperatorDeps, createCamaraOperator } from './operator.js';
