import type { ServerResponse } from "node:http";
import { ApiError, badRequest, type Fault, type Json } from "./types.js";

export interface Answer {
  status: number;
  body: Json;
}

const FAULT_TEXT: Record<number, string> = { 500: "Internal Server Error", 502: "Bad Gateway" };

/** Faults injected with FakeTelegram.fail(), consumed per method call in FIFO order. */
export class FaultBook {
  private readonly faults = new Map<string, { fault: Fault; left: number }[]>();

  add(method: string, fault: Fault): void {
    const key = method.toLowerCase();
    const list = this.faults.get(key) ?? [];
    list.push({ fault, left: fault.times ?? 1 });
    this.faults.set(key, list);
  }

  /** Consumes the next fault of a method: waits for delays, returns error answers. */
  async apply(method: string): Promise<Answer | undefined> {
    const list = this.faults.get(method.toLowerCase());
    const entry = list?.[0];
    if (!list || !entry) return undefined;
    if (--entry.left <= 0) list.shift();
    const { fault } = entry;
    if ("delayMs" in fault) {
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      return undefined;
    }
    if (fault.status === 429) {
      const retry_after = fault.retryAfter;
      const description = `Too Many Requests: retry after ${retry_after}`;
      return errorAnswer(new ApiError(429, description, { retry_after }));
    }
    if ("description" in fault) return errorAnswer(new ApiError(fault.status, fault.description));
    return errorAnswer(new ApiError(fault.status, FAULT_TEXT[fault.status] ?? "Internal Server Error"));
  }
}

export function errorAnswer(e: unknown): Answer {
  const err = e instanceof ApiError ? e : badRequest(String(e));
  const body: Json = { ok: false, error_code: err.code, description: err.description };
  if (err.parameters) body.parameters = err.parameters;
  return { status: err.code, body };
}

export function sendJson(res: ServerResponse, { status, body }: Answer): void {
  if (res.destroyed || res.writableEnded) return;
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export const NOT_FOUND: Answer = {
  status: 404,
  body: { ok: false, error_code: 404, description: "Not Found" },
};
export const UNAUTHORIZED: Answer = {
  status: 401,
  body: { ok: false, error_code: 401, description: "Unauthorized" },
};
