import type { UserFromGetMe } from "grammy/types";

/**
 * Loosely typed JSON object. The fake deals with the Bot API wire format, so
 * values are whatever the bot sent or Telegram would send.
 */
// biome-ignore lint/suspicious/noExplicitAny: wire-format JSON is untyped by nature
export type Json = any;

/** A file part of a multipart/form-data upload. */
export interface UploadedFile {
  filename: string;
  bytes: Buffer;
  contentType: string;
}

export interface RecordedCall {
  /** Canonical method name, e.g. "sendMessage" (as sent if unknown). */
  method: string;
  /** Parsed parameters; uploads appear as {@link UploadedFile}. */
  params: Json;
  /** Arrival time (ms since epoch). */
  at: number;
  /** Index in {@link FakeTelegram.calls}. */
  seq: number;
  /** Set once the call has been answered. */
  ok?: boolean;
  status?: number;
  result?: Json;
  error?: { error_code: number; description: string };
}

export type Fault =
  | { status: 429; retryAfter: number; times?: number }
  | { status: 500 | 502; times?: number }
  /** A refusal as Telegram words it, e.g. 403 "Forbidden: bot was blocked by the user". */
  | { status: 400 | 403; description: string; times?: number }
  | { delayMs: number; times?: number };

export interface FileRef {
  file_id: string;
  file_unique_id: string;
  file_size: number;
}

export interface AddFileOptions {
  /** Reported file_size (defaults to bytes.length); >20 MB makes getFile fail. */
  fileSize?: number;
  /** Original name; its extension is used for file_path. */
  fileName?: string;
  /** file_path directory: "photos" (default), "documents", "stickers", ... */
  dir?: string;
  mimeType?: string;
}

export interface WebhookConfig {
  url: string;
  secret_token?: string;
}

export interface DeliverOptions {
  /** Reject if the bot has not acknowledged the update in time (default 5000). */
  timeoutMs?: number;
}

/** Custom method implementation; throw {@link ApiError} to answer ok:false. */
export type MethodHandler = (params: Json) => unknown;

export interface FakeTelegram {
  readonly apiRoot: string;
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  readonly calls: RecordedCall[];
  /** setMyCommands per language_code ("" = default), see server docs for scopes. */
  readonly commands: Map<string, Json[]>;
  /** File paths downloaded through /file/bot<token>/... */
  readonly downloads: string[];
  readonly webhook: WebhookConfig | null;
  callsOf(method: string): RecordedCall[];
  /** All calls recorded after the given update was enqueued. */
  callsSince(updateId: number): RecordedCall[];
  /** Successful sendMessage/sendPhoto/sendDocument/edit* calls, in order. */
  sent(chatId?: number): RecordedCall[];
  /** Current (edited, not deleted) bot messages in a chat, oldest first. */
  messagesIn(chatId: number): Json[];
  /** Allocates the next message_id of a chat (shared by user and bot). */
  nextMessageId(chatId: number): number;
  enqueue(update: object): number;
  deliver(update: object, opts?: DeliverOptions): Promise<number>;
  postToWebhook(update: object, opts?: { secret?: string | null }): Promise<{ status: number; body: string }>;
  /** Number of updates not yet confirmed (polling) or not yet POSTed (webhook). */
  pendingCount(): number;
  fail(method: string, fault: Fault): void;
  /** Makes every call to the chat fail with 403 "bot was blocked by the user". */
  blockChat(chatId: number, blocked?: boolean): void;
  /** Overrides or adds a Bot API method. */
  handle(method: string, handler: MethodHandler): void;
  addFile(bytes: Buffer, opts?: AddFileOptions): FileRef;
  waitFor(pred: (c: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  close(): Promise<void>;
}

/** Thrown by method implementations to produce {ok:false,...}. */
export class ApiError extends Error {
  readonly code: number;
  readonly description: string;
  readonly parameters?: Json;
  constructor(code: number, description: string, parameters?: Json) {
    super(description);
    this.code = code;
    this.description = description;
    this.parameters = parameters;
  }
}

export const badRequest = (what: string) => new ApiError(400, `Bad Request: ${what}`);

/** Error of {@link FakeTelegram.deliver} when the webhook answered non-2xx. */
export class WebhookError extends Error {
  readonly status: number;
  readonly body: string;
  constructor(status: number, body: string, updateId: number) {
    super(`webhook answered HTTP ${status} for update ${updateId}: ${body}`);
    this.status = status;
    this.body = body;
  }
}
