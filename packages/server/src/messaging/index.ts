export {
  MessagingConfig,
  MessagingConfigError,
  type MessagingConfigInput,
  messagingConfigFromEnv,
  messagingVariables,
} from './config.js';
export { DevInbox, type InboxMessage, renderInboxHtml } from './dev-inbox/index.js';
export { createMessaging, Messaging, type MessagingDeps, type MessagingLogger } from './messaging.js';
export {
  DeliveryError,
  type DeliveryErrorCode,
  isDeliveryError,
  type MessageSender,
  type MessagingProvider,
  type OutgoingMessage,
  type SendReceipt,
} from './port.js';
export {
  chooseLocale,
  type MessageLocale,
  type RenderedMessage,
  type RenderMessageInput,
  renderMessage,
} from './templates/index.js';
