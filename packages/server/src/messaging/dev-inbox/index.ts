export { DevInbox } from './dev-inbox.js';
export { renderInboxHtml } from './html.js';
