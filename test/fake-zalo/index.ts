export {
  type Failure,
  type FakeZalo,
  type FakeZaloOptions,
  type RecordedCall,
  type SentMessage,
  startFakeZalo,
} from "./server.js";
export { FakeTokens, type ZaloErrorBody } from "./tokens.js";
export { buttonsOf, createZaloUser, messageText, type ZaloButtonView, type ZaloUser } from "./user.js";
export type { UploadedAsset } from "./validation.js";
export { type Delivery, newMsgId, type PostOptions, signZaloEvent, WebhookPoster } from "./webhook.js";
