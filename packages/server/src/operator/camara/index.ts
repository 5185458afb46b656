export type {
  CamaraOperatorConfig,
  ClientAuth,
} from './config.js';
export type { Transport } from './http.js';
export { keepAliveTransport } from './keep-alive-transport.js';
export { createCamaraOperator } from './operator.js';
