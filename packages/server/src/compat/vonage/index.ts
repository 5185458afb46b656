export { vonageBasePath, vonageVerifyPlugin } from './plugin.js';
export { VonageSilentAuth } from './silent-auth.js';
