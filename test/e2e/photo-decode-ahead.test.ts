import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpoint } from "../../bot/features/checkpoint/checkpoints.js";
import { renderQrPng } from "../../bot/render/qr-image.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";
import { declare, registered, said, visitsOf } from "./checkpoints-support.js";

/**
 * A picture is decoded in the worker pool before the update's transaction opens, whether it came as a photo
 * or as a file (Telegram's "send as file"). The pool counts, in /metrics, decodes prepared ahead and decodes
 * an effect had to start itself — which run inside the update's transaction, holding its locks.
 */
let bot: TestBot;
let now = new Date("2021-08-01T02:00:00Z");

beforeAll(async () => {
  bot = await startTestBot({ webhook: true, clock: () => now });
});
afterAll(async () => {
  await bot?.stop();
});

async function decodes(): Promise<{ prepared: number; unprepared: number }> {
  const res = await fetch(`http://127.0.0.1:${bot.app.http?.port}/metrics`);
  const body = await res.text();
  const count = (name: string) => Number(new RegExp(`^healthbot_${name} (\\d+)$`, "m").exec(body)?.[1] ?? 0);
  return { prepared: count("qr_decodes_prepared_total"), unprepared: count("qr_decodes_unprepared_total") };
}

describe("pictures decoded ahead of the transaction", () => {
  it("decodes an image sent as a file in the pool before the transaction, as it does a photo; other files are not decoded", async () => {
    const manager = await registered(bot);
    const place = {
      phone: null,
      provinceCode: "01",
      communeCode: null,
      address: "1 Tràng Tiền",
      kind: "shop" as const,
      stayMinutes: 240,
      parentId: null,
    };
    const db = bot.app.database.db;
    const a = await createCheckpoint(db, manager.userId, { ...place, name: "Cửa hàng A" }, now);
    const b = await createCheckpoint(db, manager.userId, { ...place, name: "Cửa hàng B" }, now);
    const r = await registered(bot);
    await declare(bot, r.userId, now);
    expect(await decodes()).toEqual({ prepared: 0, unprepared: 0 });

    const poster = (code: string) =>
      renderQrPng(`https://t.me/${bot.fake.botInfo.username}?start=cp_${code}`);
    now = new Date(now.getTime() + 60_000);
    const asFile = await r.u.document(await poster(a.code), {
      fileName: "poster.png",
      mimeType: "image/png",
    });
    expect(said(r.u, asFile)).toContain("Checked in at “Cửa hàng A”");
    expect(await decodes()).toEqual({ prepared: 1, unprepared: 0 });

    now = new Date(now.getTime() + 60_000);
    const asPhoto = await r.u.photo(await poster(b.code));
    expect(said(r.u, asPhoto)).toContain("Checked in at “Cửa hàng B”");
    expect(await decodes()).toEqual({ prepared: 2, unprepared: 0 });

    // A list file is no picture: nothing is decoded for it.
    await r.u.document(Buffer.from("phone,name\n"), { fileName: "list.csv", mimeType: "text/csv" });
    expect(await decodes()).toEqual({ prepared: 2, unprepared: 0 });
    expect((await visitsOf(bot, r.userId)).map((v) => v.checkpointId)).toEqual([a.id, b.id]);
  });
});
