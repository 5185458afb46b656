export { DevInbox, type DevInboxOptions, type InboxMessage } from './dev-inbox.js';
export { escapeHtml, renderInboxHtml } from './html.js';
