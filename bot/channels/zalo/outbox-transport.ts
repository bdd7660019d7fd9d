import type { OutboxTransport } from "../../platform/outbox/sender-types.js";
import type { ZaloChannel } from "./channel.js";

/** Delivers one outbox message through the Zalo channel, translating its refusals for the sender. */
export function createZaloOutboxTransport(zalo: ZaloChannel): OutboxTransport {
  return async (msg) => {
    const out = await zalo.deliver(msg.chatId, [msg.reply]);
    if ("ok" in out) return { kind: "ok" };
    if ("retryAfter" in out) return { kind: "retryAfter", seconds: out.retryAfter };
    if ("unreachable" in out) return { kind: "unreachable", reason: out.reason };
    return { kind: "transient", error: out.error };
  };
}
