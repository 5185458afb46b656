export { type RunningProofline, type StartOptions, startProofline } from './app.js';
export { ManualClock } from './clock/index.js';
export type { AppRouter } from './http/trpc/router.js';
