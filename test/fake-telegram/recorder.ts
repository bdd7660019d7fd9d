import type { Json, RecordedCall } from "./types.js";

/** Methods whose successful calls count as messages "sent" to a chat. */
export const SENT_METHODS = new Set([
  "sendMessage",
  "sendPhoto",
  "sendDocument",
  "editMessageText",
  "editMessageCaption",
  "editMessageReplyMarkup",
]);

/** The log of Bot API calls made by the bot, with waiting helpers. */
export class CallLog {
  readonly calls: RecordedCall[] = [];
  private readonly listeners = new Set<(c: RecordedCall | Error) => void>();
  private readonly seqAtEnqueue = new Map<number, number>();

  /** Records a call on arrival; {@link complete} fills in the outcome. */
  start(method: string, params: Json): RecordedCall {
    const call: RecordedCall = { method, params, at: Date.now(), seq: this.calls.length };
    this.calls.push(call);
    return call;
  }

  complete(call: RecordedCall, status: number, body: Json): void {
    call.status = status;
    call.ok = body.ok === true;
    if (call.ok) call.result = body.result;
    else call.error = { error_code: body.error_code, description: body.description };
    for (const listener of [...this.listeners]) listener(call);
  }

  /** Rejects pending waitFor() calls. */
  close(): void {
    for (const listener of [...this.listeners]) listener(new Error("fake Telegram server closed"));
  }

  /** Remembers how many calls existed when an update was enqueued. */
  markUpdate(updateId: number): void {
    this.seqAtEnqueue.set(updateId, this.calls.length);
  }

  since(updateId: number): RecordedCall[] {
    const seq = this.seqAtEnqueue.get(updateId);
    if (seq === undefined) throw new Error(`update ${updateId} was never enqueued`);
    return this.calls.slice(seq);
  }

  of(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  sent(chatId?: number): RecordedCall[] {
    return this.calls.filter(
      (c) => c.ok && SENT_METHODS.has(c.method) && (chatId === undefined || c.params.chat_id === chatId),
    );
  }

  waitFor(pred: (c: RecordedCall) => boolean, timeoutMs: number): Promise<RecordedCall> {
    const test = (c: RecordedCall) => {
      try {
        return pred(c);
      } catch {
        return false;
      }
    };
    const hit = this.calls.find((c) => c.status !== undefined && test(c));
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const listener = (c: RecordedCall | Error) => {
        if (!(c instanceof Error) && !test(c)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        if (c instanceof Error) reject(c);
        else resolve(c);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`waitFor timed out after ${timeoutMs} ms. ${this.describe()}`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }

  /** The last calls (besides getUpdates), for error messages. */
  describe(): string {
    const last = this.calls.filter((c) => c.method !== "getUpdates").slice(-10);
    if (last.length === 0) return "No Bot API calls (besides getUpdates) were made.";
    const lines = last.map((c) => {
      const params = JSON.stringify(c.params, (_k, v) =>
        v?.type === "Buffer" && Array.isArray(v.data) ? `<${v.data.length} bytes>` : v,
      );
      const outcome =
        c.status === undefined ? "pending" : c.ok ? "ok" : `${c.status} ${c.error?.description}`;
      return `  #${c.seq} ${c.method} ${params.slice(0, 300)} -> ${outcome}`;
    });
    return `Last calls:\n${lines.join("\n")}`;
  }
}
