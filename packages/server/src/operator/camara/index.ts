export type {
  CamaraOperatorConfig,
  ClientAuth,
} from './config.js';
export type { FetchLike } from './http.js';
export { keepAliveFetch } from './keep-alive-fetch.js';
export { createCamaraOperator } from './operator.js';
