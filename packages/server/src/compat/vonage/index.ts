export { type VonageFacadeDeps, vonageBasePath, vonageVerifyPlugin } from './plugin.js';
