export {
  MessagingConfig,
  MessagingConfigError,
  messagingConfigFromEnv,
  messagingVariables,
} from './config.js';
export { DevInbox, renderInboxHtml } from './dev-inbox/index.js';
export { createMessaging, Messaging } from './messaging.js';
export {
  DeliveryError,
  isDeliveryError,
  type MessageSender,
  type OutgoingMessage,
} from './port.js';
export {
  chooseLocale,
  type RenderMessageInput,
  renderMessage,
} from './templates/index.js';
