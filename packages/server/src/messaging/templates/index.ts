export { isGsm7, toGsm7 } from './gsm.js';
export { chooseLocale, messageLocales, messageTerms } from './locale.js';
export { type RenderedMessage, type RenderMessageInput, renderMessage } from './render.js';
export type { MessageLocale, MessageTerms } from './terms.js';
