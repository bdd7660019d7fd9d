import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { UserFromGetMe } from "grammy/types";
import { parseParams, readBody } from "./body.js";
import { type Answer, errorAnswer, FaultBook, NOT_FOUND, sendJson, UNAUTHORIZED } from "./faults.js";
import { fileRef, mimeOf } from "./files.js";
import { CallLog } from "./recorder.js";
import { TelegramState } from "./state.js";
import {
  type AddFileOptions,
  ApiError,
  type DeliverOptions,
  type FakeTelegram,
  type Fault,
  type FileRef,
  type Json,
  type MethodHandler,
  type RecordedCall,
  type WebhookConfig,
} from "./types.js";
import { UpdateQueue } from "./updates.js";

export interface FakeTelegramOptions {
  /** Default "123456:TEST-TOKEN"; the bot id is the part before ":". */
  token?: string;
  /** Default "fake_test_bot". */
  botUsername?: string;
  /** Default timeout of deliver() in ms (5000). */
  ackTimeoutMs?: number;
}

const QUEUE_METHODS = ["getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo"];
const METHOD_NOT_FOUND = new ApiError(404, "Not Found: method not found");

/** Starts a fake Bot API server on 127.0.0.1 (random port). */
export async function startFakeTelegram(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const fake = new FakeTelegramServer(opts);
  await fake.listen();
  return fake;
}

class FakeTelegramServer implements FakeTelegram {
  apiRoot = "";
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  readonly downloads: string[] = [];
  private readonly log = new CallLog();
  private readonly faults = new FaultBook();
  private readonly state: TelegramState;
  private readonly queue: UpdateQueue;
  private readonly handlers = new Map<string, MethodHandler>();
  private readonly server = createServer((req, res) => {
    this.route(req, res).catch((e: unknown) => {
      const body = { ok: false, error_code: 500, description: `Internal Server Error: ${e}` };
      sendJson(res, { status: 500, body });
    });
  });

  constructor(opts: FakeTelegramOptions) {
    this.token = opts.token ?? "123456:TEST-TOKEN";
    this.botInfo = {
      id: Number(this.token.split(":")[0]) || 123456,
      is_bot: true,
      first_name: "Fake Test Bot",
      username: opts.botUsername ?? "fake_test_bot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    this.state = new TelegramState(this.botInfo);
    this.queue = new UpdateQueue({
      ackTimeoutMs: opts.ackTimeoutMs ?? 5000,
      observe: (u) => this.state.observeUpdate(u),
      onWebhookReply: (body) => this.webhookReply(body),
      describe: () => this.log.describe(),
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.apiRoot = `http://127.0.0.1:${port}`;
  }

  get calls(): RecordedCall[] {
    return this.log.calls;
  }
  get commands(): Map<string, Json[]> {
    return this.state.commands;
  }
  get webhook(): WebhookConfig | null {
    return this.queue.webhook ? { ...this.queue.webhook } : null;
  }
  callsOf(method: string) {
    return this.log.of(method);
  }
  callsSince(updateId: number) {
    return this.log.since(updateId);
  }
  sent(chatId?: number) {
    return this.log.sent(chatId);
  }
  messagesIn(chatId: number) {
    return this.state.botMessages(chatId).map((m) => structuredClone(m));
  }
  nextMessageId(chatId: number) {
    return this.state.nextMessageId(chatId);
  }
  enqueue(update: object): number {
    const u = this.queue.prepare(update);
    this.log.markUpdate(u.update_id);
    return this.queue.enqueue(u);
  }
  deliver(update: object, opts?: DeliverOptions): Promise<number> {
    const u = this.queue.prepare(update);
    const acked = this.queue.waitAck(u.update_id, opts?.timeoutMs);
    this.enqueue(u);
    return acked;
  }
  postToWebhook(update: object, opts?: { secret?: string | null }) {
    return this.queue.post(this.queue.prepare(update), opts?.secret);
  }
  pendingCount() {
    return this.queue.pendingCount();
  }
  fail(method: string, fault: Fault): void {
    this.faults.add(method, fault);
  }
  blockChat(chatId: number, blocked = true): void {
    this.state.block(chatId, blocked);
  }
  handle(method: string, handler: MethodHandler): void {
    this.handlers.set(method.toLowerCase(), handler);
  }
  addFile(bytes: Buffer, opts?: AddFileOptions): FileRef {
    return fileRef(this.state.files.add(bytes, opts));
  }
  waitFor(pred: (c: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
    return this.log.waitFor(pred, timeoutMs);
  }

  async close(): Promise<void> {
    this.queue.close();
    this.log.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) {
      this.serveFile(res, decodeURIComponent(file[1] ?? ""), decodeURIComponent(file[2] ?? ""));
      return;
    }
    const api = /^\/bot([^/]+)\/([A-Za-z0-9_]*)$/.exec(url.pathname);
    if (!api) return sendJson(res, NOT_FOUND);
    if (decodeURIComponent(api[1] ?? "") !== this.token) return sendJson(res, UNAUTHORIZED);
    let params: Json;
    try {
      params = parseParams(req.headers["content-type"], await readBody(req), url.searchParams);
    } catch (e) {
      return sendJson(res, errorAnswer(e));
    }
    sendJson(res, await this.perform(api[2] ?? "", params, res));
  }

  /** Records a call, applies injected faults and runs the method. */
  private async perform(name: string, params: Json, res?: ServerResponse): Promise<Answer> {
    const method = this.canonical(name);
    const call = this.log.start(method ?? name, params);
    let answer = await this.faults.apply(method ?? name);
    if (!answer) {
      try {
        if (!method) throw METHOD_NOT_FOUND;
        answer = { status: 200, body: { ok: true, result: await this.invoke(method, params, res) } };
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        answer = errorAnswer(e);
      }
    }
    this.log.complete(call, answer.status, answer.body);
    return answer;
  }

  private invoke(method: string, params: Json, res?: ServerResponse): unknown {
    const custom = this.handlers.get(method.toLowerCase());
    if (custom) return custom(params);
    switch (method) {
      case "getUpdates":
        return this.queue.getUpdates(params, res);
      case "setWebhook":
        return this.queue.setWebhook(params);
      case "deleteWebhook":
        return this.queue.deleteWebhook(params);
      case "getWebhookInfo":
        return this.queue.webhookInfo();
    }
    const impl = this.state.methods[method];
    if (!impl) throw METHOD_NOT_FOUND;
    return impl(params);
  }

  /** Bot API method names are case-insensitive; undefined if unknown. */
  private canonical(name: string): string | undefined {
    const lower = name.toLowerCase();
    const known = [...QUEUE_METHODS, ...Object.keys(this.state.methods)].find(
      (m) => m.toLowerCase() === lower,
    );
    return known ?? (this.handlers.has(lower) ? name : undefined);
  }

  /** A webhook response may itself be a method call (grammY "webhook reply"). */
  private async webhookReply(body: string): Promise<void> {
    let parsed: Json;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    if (typeof parsed?.method !== "string") return;
    const { method, ...params } = parsed;
    await this.perform(method, params);
  }

  private serveFile(res: ServerResponse, token: string, path: string): void {
    const file = token === this.token ? this.state.files.byFilePath(path) : undefined;
    if (!file) {
      sendJson(res, token === this.token ? NOT_FOUND : UNAUTHORIZED);
      return;
    }
    this.downloads.push(path);
    const type = file.mime_type ?? mimeOf(path);
    res.writeHead(200, { "content-type": type, "content-length": file.bytes.length });
    res.end(file.bytes);
  }
}
