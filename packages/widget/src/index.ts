import { installGlobal } from './global.js';

export type { ErrorDetail, StateDetail, VerifiedDetail, WidgetState } from './events/index.js';
export type { ProoflineGlobal, RenderOptions } from './global.js';
export { proofline } from './global.js';
export type { Translation } from './translations/index.js';
export { ProoflineVerify } from './verify/verify.js';

installGlobal();
