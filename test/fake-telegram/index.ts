export { parseMultipart } from "./body.js";
export { type RunningBot, serveWebhook, startPolling, type WebhookServer } from "./harness.js";
export { type FakeTelegramOptions, startFakeTelegram } from "./server.js";
export {
  type AddFileOptions,
  ApiError,
  type DeliverOptions,
  type FakeTelegram,
  type Fault,
  type FileRef,
  type Json,
  type MethodHandler,
  type RecordedCall,
  type UploadedFile,
  type WebhookConfig,
  WebhookError,
} from "./types.js";
export { createUser, type KeyboardView, type ScriptedUser, type ScriptedUserOptions } from "./user.js";
export { renderText, validateReplyMarkup } from "./validation.js";
