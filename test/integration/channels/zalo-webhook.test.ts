import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { ZaloEvent } from "../../../bot/channels/zalo/events.js";
import { createZaloWebhook } from "../../../bot/channels/zalo/webhook.js";
import { createMetrics } from "../../../bot/platform/metrics.js";
import { signZaloEvent } from "../../fake-zalo/index.js";

const appId = "100";
const secret = "oa_secret";
let server: Server | undefined;

/** The webhook on its own, with a handler that records events and commits when the test says. */
async function serve(commit: Promise<"stored" | "retry" | "failed">) {
  const events: ZaloEvent[] = [];
  const route = createZaloWebhook({
    appId,
    oaId: "900",
    secret,
    clock: () => new Date(),
    logger: pino({ level: "silent" }),
    metrics: createMetrics(),
    maxAgeMs: 15 * 60_000,
    ackWithinMs: 50,
    handle: (e) => {
      events.push(e);
      return { committed: commit };
    },
  });
  server = createServer((req, res) => void route(req, res));
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const post = async (event: Record<string, unknown>) => {
    const timestamp = String(Date.now());
    const raw = JSON.stringify({ app_id: appId, ...event, timestamp });
    const res = await fetch(url, {
      method: "POST",
      body: raw,
      headers: { "x-zevent-signature": `mac=${signZaloEvent(appId, raw, timestamp, secret)}` },
    });
    return res.status;
  };
  return { events, post, url };
}

afterEach(async () => {
  await new Promise((r) => server?.close(r));
});

describe("the Zalo webhook", () => {
  const text = {
    event_name: "user_send_text",
    sender: { id: "u1" },
    recipient: { id: "900" },
    message: { msg_id: "m1", text: "hi" },
  };

  it("answers 200 in time even while the event is still being handled", async () => {
    const never = new Promise<"stored">(() => {});
    const hook = await serve(never);
    expect(await hook.post(text)).toBe(200);
    expect(hook.events.map((e) => e.updateId)).toEqual(["m:m1"]);
  });

  it("answers 503 when the event's transaction failed for now, so that Zalo may deliver it again", async () => {
    const hook = await serve(Promise.resolve("retry"));
    expect(await hook.post(text)).toBe(503);
    const stored = await serve(Promise.resolve("stored"));
    expect(await stored.post(text)).toBe(200);
  });

  it("answers 200 without handling events for another OA or events it does not act on", async () => {
    const hook = await serve(Promise.resolve("stored"));
    expect(await hook.post({ ...text, recipient: { id: "901" } })).toBe(200);
    expect(
      await hook.post({ event_name: "oa_send_text", sender: { id: "900" }, recipient: { id: "u1" } }),
    ).toBe(200);
    expect(hook.events).toEqual([]);
  });

  it("refuses a body over 1 MB", async () => {
    const hook = await serve(Promise.resolve("stored"));
    const res = await fetch(hook.url, { method: "POST", body: "x".repeat(1024 * 1024 + 1) });
    expect(res.status).toBe(413);
  });
});
