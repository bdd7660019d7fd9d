import { randomBytes } from "node:crypto";
import pino from "pino";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startZaloChannel, type ZaloChannel } from "../../../bot/channels/zalo/channel.js";
import { ZaloApiError } from "../../../bot/channels/zalo/client.js";
import { createZaloFiles } from "../../../bot/channels/zalo/files.js";
import { FileTooLargeError } from "../../../bot/core/types.js";
import { createMetrics } from "../../../bot/platform/metrics.js";
import {
  checkZaloWindow,
  recordZaloInteraction,
  zaloChatsOutsideWindow,
} from "../../../bot/shared/zalo-interactions.js";
import type { Database } from "../../../db/client.js";
import { type FakeZalo, messageText, startFakeZalo } from "../../fake-zalo/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import { testEngine } from "../../support/engine.js";

describe("the Zalo channel's sending side", () => {
  let fake: FakeZalo;
  let fresh: FreshDatabase;
  let database: Database;
  let zalo: ZaloChannel;
  const now = new Date();
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);

  /** A chat that wrote `hours` ago, to Zalo and to the bot alike. */
  async function chat(id: string, hours = 1) {
    fake.interactions.set(id, hoursAgo(hours));
    await recordZaloInteraction(database.db, id, hoursAgo(hours));
    return id;
  }

  beforeAll(async () => {
    fake = await startFakeZalo();
    fresh = await freshDatabase();
    database = await fresh.open();
    zalo = await startZaloChannel({
      config: {
        appId: fake.appId,
        appSecret: fake.appSecret,
        oaId: fake.oaId,
        accessToken: fake.tokens.first.accessToken,
        refreshToken: fake.tokens.first.refreshToken,
        webhookSecret: fake.webhookSecret,
        apiRoot: fake.apiRoot,
        oauthRoot: fake.apiRoot,
      },
      db: database.db,
      engine: testEngine(database),
      logger: pino({ level: "silent" }),
      metrics: createMetrics(),
      clock: () => now,
      backoffMs: [1, 1],
    });
  });
  afterAll(async () => {
    await zalo?.stop();
    await fake?.close();
    await database?.close();
    await fresh?.drop();
  });

  it("uploads a photo and sends it as a media template with its caption and buttons", async () => {
    const id = await chat("1001");
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#fff" } })
      .png()
      .toBuffer();
    const out = await zalo.deliver(id, [
      { kind: "photo", png, caption: "Mã QR của bạn", options: [[{ id: "qr:again", label: "Gửi lại" }]] },
    ]);
    expect(out).toEqual({ ok: true });
    const [sent] = fake.sent.filter((m) => m.userId === id);
    const payload = sent?.message.attachment?.payload as { elements: { attachment_id: string }[] };
    expect(sent?.message).toMatchObject({
      text: "Mã QR của bạn",
      attachment: { payload: { template_type: "media" } },
    });
    expect(fake.assets.get(payload.elements[0]?.attachment_id ?? "")?.bytes.equals(png)).toBe(true);
  });

  it("re-encodes a poster over Zalo's 1 MB image limit", async () => {
    const id = await chat("1002");
    const poster = await sharp(randomBytes(640 * 640 * 3), { raw: { width: 640, height: 640, channels: 3 } })
      .png()
      .toBuffer();
    expect(poster.byteLength).toBeGreaterThan(1024 * 1024);
    expect(await zalo.deliver(id, [{ kind: "photo", png: poster, fileName: "poster.png" }])).toEqual({
      ok: true,
    });
    const upload = [...fake.assets.values()].find((a) => a.fileName === "poster.jpg");
    expect(upload?.mimeType).toBe("image/jpeg");
    expect(upload?.bytes.byteLength).toBeLessThanOrEqual(1024 * 1024);
  });

  it("uploads a PDF as a file and explains a kind Zalo does not carry", async () => {
    const id = await chat("1003");
    const pdf = new TextEncoder().encode("%PDF-1.4 test");
    await zalo.deliver(id, [
      {
        kind: "document",
        bytes: pdf,
        fileName: "visits.pdf",
        mimeType: "application/pdf",
        caption: "Nhật ký",
      },
      { kind: "document", bytes: pdf, fileName: "visits.xlsx", mimeType: "application/vnd.ms-excel" },
    ]);
    const sent = fake.sent.filter((m) => m.userId === id);
    expect(sent.map((m) => m.message.attachment?.type ?? "text")).toEqual(["text", "file", "text"]);
    expect(messageText(sent[2]!)).toContain("visits.xlsx");
  });

  it("refuses chats outside the window without calling Zalo, and classifies Zalo's refusals", async () => {
    await chat("1004", 24);
    await chat("1005", 100);
    await chat("1006", 24 * 8);
    expect(await checkZaloWindow(database.db, "1004", now)).toBeNull();
    expect(await checkZaloWindow(database.db, "1005", now)).toBeNull();
    expect(await checkZaloWindow(database.db, "1005", now, { paid: false })).toEqual({
      unreachable: true,
      reason: "window",
    });
    expect(await zaloChatsOutsideWindow(database.db, ["1004", "1005", "1006", "never"], now)).toEqual([
      "1006",
      "never",
    ]);
    const calls = fake.calls.length;
    expect(await zalo.deliver("1006", [{ kind: "text", text: "Nhắc báo cáo" }])).toEqual({
      unreachable: true,
      reason: "window",
    });
    expect(fake.calls.length).toBe(calls);

    // Zalo's own count of the window wins when it disagrees with ours.
    fake.interactions.delete("1004");
    expect(await zalo.deliver("1004", [{ kind: "text", text: "x" }])).toEqual({
      unreachable: true,
      reason: "zalo -230",
    });
    fake.fail("/v3.0/oa/message/cs", { error: -32, message: "Your OA reached limit call api" });
    expect(await zalo.deliver("1005", [{ kind: "text", text: "x" }])).toEqual({ retryAfter: 60 });
    fake.fail("/v3.0/oa/message/cs", { status: 502, times: 3 });
    expect(await zalo.deliver("1005", [{ kind: "text", text: "x" }])).toMatchObject({ transient: true });
  });

  it("sends nothing Zalo would refuse: a bad message surfaces as Zalo's error", async () => {
    const id = await chat("1007");
    await expect(zalo.client.sendMessage(id, { text: "x".repeat(2001) })).rejects.toMatchObject({
      code: -201,
    });
    await expect(zalo.client.sendMessage(id, {})).rejects.toBeInstanceOf(ZaloApiError);
  });
});

describe("downloading what a Zalo user sent", () => {
  let fake: FakeZalo;
  beforeAll(async () => {
    fake = await startFakeZalo();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("reads a photo from its attachment URL", async () => {
    const bytes = Buffer.from("a photo");
    expect(await createZaloFiles().fetch(fake.serveFile(bytes), 1000)).toEqual(bytes);
  });

  it("refuses a file over the limit from its declared length, before reading it", async () => {
    const url = fake.serveFile(Buffer.alloc(2_000_000));
    await expect(createZaloFiles().fetch(url, 1_000_000)).rejects.toMatchObject({
      size: 2_000_000,
      limit: 1_000_000,
    });
  });

  it("stops a download without a length as soon as it passes the limit", async () => {
    const url = fake.serveFile(Buffer.alloc(3_000_000), { chunked: true });
    const err = await createZaloFiles()
      .fetch(url, 1_000_000)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileTooLargeError);
    expect((err as FileTooLargeError).size).toBeLessThan(1_200_000);
  });

  it("never reads more than 10 MB, whatever the caller allows", async () => {
    const url = fake.serveFile(Buffer.alloc(11 * 1024 * 1024), { chunked: true });
    await expect(createZaloFiles().fetch(url, 50 * 1024 * 1024)).rejects.toMatchObject({
      limit: 10 * 1024 * 1024,
    });
  });

  it("fails on a missing file and on anything but a web URL", async () => {
    await expect(createZaloFiles().fetch(`${fake.apiRoot}/files/none`, 1000)).rejects.toThrow(/HTTP 404/);
    await expect(createZaloFiles().fetch("file:///etc/passwd", 1000)).rejects.toThrow(/not a web URL/);
  });
});
