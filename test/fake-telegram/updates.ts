import type { ServerResponse } from "node:http";
import { ApiError, badRequest, type Json, type WebhookConfig, WebhookError } from "./types.js";

export interface UpdateQueueHooks {
  ackTimeoutMs: number;
  /** Called for every update before it is handed to the bot. */
  observe(update: Json): void;
  /** Handles a 2xx webhook response body (may contain a method call). */
  onWebhookReply(body: string): Promise<void>;
  /** Text appended to timeout errors (e.g. the last calls). */
  describe(): string;
}

interface Poller {
  limit: number;
  finish(result: Json[] | ApiError): void;
}

interface Ack {
  resolve(): void;
  reject(error: Error): void;
}

const CONFLICT_WEBHOOK =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
const CONFLICT_POLLING =
  "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";
const clamp = (v: unknown, min: number, max: number, fallback: number) => {
  const n = typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : fallback;
  return Math.min(max, Math.max(min, n));
};

/** Update delivery: getUpdates long polling, webhooks and acknowledgements. */
export class UpdateQueue {
  webhook: WebhookConfig | null = null;
  private webhookExtra: Json = {};
  private pending: Json[] = [];
  private nextId = 1;
  private readonly pollers = new Set<Poller>();
  private readonly acks = new Map<number, Ack>();
  private webhookChain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private lastError: { last_error_date: number; last_error_message: string } | null = null;
  private readonly closer = new AbortController();
  private wakeScheduled = false;
  private closed = false;

  constructor(private readonly hooks: UpdateQueueHooks) {}

  /** Copies the update and assigns the next update_id if it has none. */
  prepare(update: object): Json {
    const u: Json = { ...update };
    if (typeof u.update_id !== "number") u.update_id = this.nextId;
    this.nextId = Math.max(this.nextId, u.update_id + 1);
    return u;
  }

  enqueue(u: Json): number {
    if (this.closed) throw new Error("fake Telegram server is closed");
    this.hooks.observe(u);
    if (this.webhook) this.queueWebhook(u);
    else {
      this.pending.push(u);
      this.scheduleWake();
    }
    return u.update_id;
  }

  pendingCount(): number {
    return this.webhook ? this.inFlight : this.pending.length;
  }

  /** Resolves once the bot acknowledged the update (see FakeTelegram.deliver). */
  waitAck(id: number, timeoutMs = this.hooks.ackTimeoutMs): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        const mode = this.webhook ? "webhook" : "polling";
        const msg = `update ${id} was not acknowledged within ${timeoutMs} ms (${mode} mode, ${this.pendingCount()} pending). Is the bot running? ${this.hooks.describe()}`;
        reject(new Error(msg));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.acks.delete(id);
      };
      this.acks.set(id, {
        resolve: () => {
          done();
          resolve(id);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
    });
  }

  private settle(id: number, error?: Error): void {
    const ack = this.acks.get(id);
    if (error) ack?.reject(error);
    else ack?.resolve();
  }

  getUpdates(p: Json, res?: ServerResponse): Json[] | Promise<Json[]> {
    if (this.webhook) throw new ApiError(409, CONFLICT_WEBHOOK);
    const limit = clamp(p.limit, 1, 100, 100);
    const timeout = clamp(p.timeout, 0, 50, 0);
    this.confirm(clamp(p.offset, -1e15, 1e15, 0));
    for (const other of [...this.pollers]) other.finish(new ApiError(409, CONFLICT_POLLING));
    const batch = this.pending.slice(0, limit);
    if (batch.length > 0 || timeout === 0 || this.closed) return batch;
    return new Promise<Json[]>((resolve, reject) => {
      const poller: Poller = {
        limit,
        finish: (result) => {
          if (!this.pollers.delete(poller)) return;
          clearTimeout(timer);
          if (result instanceof ApiError) reject(result);
          else resolve(result);
        },
      };
      const timer = setTimeout(() => poller.finish([]), timeout * 1000);
      this.pollers.add(poller);
      res?.once("close", () => poller.finish([]));
    });
  }

  /** offset > 0 confirms updates below it; offset < 0 keeps only the last -offset. */
  private confirm(offset: number): void {
    if (offset === 0) return;
    const keep = offset > 0 ? this.pending.filter((u) => u.update_id >= offset) : this.pending.slice(offset);
    const dropped = this.pending.filter((u) => !keep.includes(u));
    this.pending = keep;
    for (const u of dropped) this.settle(u.update_id);
    if (offset > 0) for (const id of [...this.acks.keys()]) if (id < offset) this.settle(id);
  }

  private scheduleWake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      for (const poller of [...this.pollers]) {
        const batch = this.pending.slice(0, poller.limit);
        if (batch.length > 0) poller.finish(batch);
      }
    });
  }

  setWebhook(p: Json): true {
    const url = p.url === undefined ? "" : String(p.url);
    if (url === "") return this.deleteWebhook(p);
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw badRequest("bad webhook: invalid webhook URL specified");
    }
    if (protocol !== "https:" && protocol !== "http:")
      throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    const secret = p.secret_token;
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(String(secret)))
      throw badRequest("bad webhook: secret token contains unallowed characters");
    if (p.drop_pending_updates) this.dropPending();
    this.webhook = secret === undefined ? { url } : { url, secret_token: String(secret) };
    this.webhookExtra = { max_connections: p.max_connections ?? 40, allowed_updates: p.allowed_updates };
    for (const poller of [...this.pollers]) poller.finish(new ApiError(409, CONFLICT_WEBHOOK));
    const flush = this.pending;
    this.pending = [];
    for (const u of flush) this.queueWebhook(u);
    return true;
  }

  deleteWebhook(p: Json): true {
    if (p.drop_pending_updates) this.dropPending();
    this.webhook = null;
    return true;
  }

  webhookInfo(): Json {
    return {
      url: this.webhook?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: this.pendingCount(),
      ...(this.webhook ? this.webhookExtra : {}),
      ...(this.lastError ?? {}),
    };
  }

  private dropPending(): void {
    const dropped = this.pending;
    this.pending = [];
    for (const u of dropped)
      this.settle(u.update_id, new Error(`update ${u.update_id} was dropped (drop_pending_updates)`));
  }

  private queueWebhook(u: Json): void {
    this.inFlight++;
    this.webhookChain = this.webhookChain.then(async () => {
      try {
        if (!this.webhook) {
          // The webhook was removed meanwhile: the update goes back to getUpdates.
          this.pending.push(u);
          this.scheduleWake();
          return;
        }
        const r = await this.post(u);
        const ok = r.status >= 200 && r.status < 300;
        this.settle(u.update_id, ok ? undefined : new WebhookError(r.status, r.body, u.update_id));
      } catch (e) {
        this.settle(u.update_id, e instanceof Error ? e : new Error(String(e)));
      } finally {
        this.inFlight--;
      }
    });
  }

  /** POSTs an update to the webhook (secret: undefined = configured one, null = none). */
  async post(u: Json, secret?: string | null): Promise<{ status: number; body: string }> {
    const conf = this.webhook;
    if (!conf) throw new Error("no webhook is set (the bot must call setWebhook first)");
    this.hooks.observe(u);
    const headers: Record<string, string> = { "content-type": "application/json" };
    const token = secret === undefined ? conf.secret_token : secret;
    if (token !== undefined && token !== null) headers["x-telegram-bot-api-secret-token"] = token;
    const signal = AbortSignal.any([this.closer.signal, AbortSignal.timeout(2 * this.hooks.ackTimeoutMs)]);
    try {
      const res = await fetch(conf.url, { method: "POST", headers, body: JSON.stringify(u), signal });
      const body = await res.text();
      if (res.ok) await this.hooks.onWebhookReply(body);
      else this.recordError(`Wrong response from the webhook: ${res.status} ${res.statusText}`);
      return { status: res.status, body };
    } catch (e) {
      this.recordError(`Connection failed: ${e instanceof Error ? e.message : e}`);
      throw e;
    }
  }

  private recordError(message: string): void {
    this.lastError = { last_error_date: Math.floor(Date.now() / 1000), last_error_message: message };
  }

  close(): void {
    this.closed = true;
    this.closer.abort();
    for (const poller of [...this.pollers]) poller.finish([]);
    for (const [id, ack] of [...this.acks])
      ack.reject(new Error(`fake Telegram closed before update ${id} was acknowledged`));
  }
}
