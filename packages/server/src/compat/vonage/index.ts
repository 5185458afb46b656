export { vonageBasePath, vonageVerifyPlugin } from './plugin.js';
