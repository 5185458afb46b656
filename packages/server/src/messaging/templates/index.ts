export { isGsm7, toGsm7 } from './gsm.js';
export { chooseLocale } from './locale.js';
export { type RenderMessageInput, renderMessage } from './render.js';
