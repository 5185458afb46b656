export { isGsm7, toGsm7 } from './gsm.js';
export { chooseLocale, voiceLanguage } from './locale.js';
export { type RenderMessageInput, renderMessage } from './render.js';
