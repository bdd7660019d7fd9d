import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAFETY_REMINDERS_JOB } from "../../bot/features/safety/index.js";
import type { ScriptedUser } from "../fake-telegram/index.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";
import { pdfPageTexts, squash } from "../unit/render/support.js";
import { declare, documentsSince, registerCheckpoint, registered, said } from "./checkpoints-support.js";
import { received, sentContaining } from "./monitoring-support.js";

let bot: TestBot;
let now = new Date("2021-08-01T02:00:00Z"); // 09:00 in Hanoi
const at = (iso: string) => {
  now = new Date(iso);
};

let manager: { u: ScriptedUser; userId: number };
let shop: Awaited<ReturnType<typeof registerCheckpoint>>;

beforeAll(async () => {
  bot = await startTestBot({ clock: () => now });
  manager = await registered(bot);
  shop = await registerCheckpoint(manager.u, bot, "Minh Anh grocery", manager.userId);
});
afterAll(async () => {
  await bot?.stop();
});

async function visitor() {
  const r = await registered(bot);
  await declare(bot, r.userId, now);
  return r;
}

describe("venue COVID-safety self-assessment", () => {
  it("a visitor of a place never assessed is told so", async () => {
    const v = await visitor();
    const since = await v.u.command("start", `cp_${shop.code}`);
    expect(said(v.u, since)).toContain("COVID safety: not assessed");
  });

  it("the manager completes the checklist in under 20 taps and gets a rating", async () => {
    const u = manager.u;
    let taps = 0;
    const press = async (what: string | RegExp) => {
      taps += 1;
      return u.press(what);
    };
    const start = await press("🛡 Safety self-assessment");
    expect(said(u, start)).toContain("question 1 of 11");
    // Not applicable is not offered where every place must answer (the QR poster).
    expect(u.lastText()).toContain("check-in QR poster");
    expect(
      u
        .keyboard()
        .inline.flat()
        .map((b) => b.text),
    ).toEqual(["✅ Yes", "❌ No"]);
    for (let i = 0; i < 6; i++) await press("✅ Yes");
    // Question 7, ventilation: no, with a note.
    expect(u.lastText()).toContain("ventilated");
    await press("❌ No");
    expect(u.lastText()).toContain("What is missing");
    await u.text("x".repeat(201));
    expect(u.lastText()).toContain("What is missing");
    await u.text("Windows cannot open");
    for (let i = 0; i < 4; i++) await press("✅ Yes");
    expect(u.lastText()).toContain("Score 90 / 100 — rating: safe.");
    expect(u.lastText()).toContain("❌ Ventilation — Windows cannot open");
    const saved = await press("💾 Save");
    expect(taps).toBeLessThan(20);
    const reply = said(u, saved);
    expect(reply).toContain("🟢 safe (score 90 / 100), valid until 08/08/2021");
    expect(reply).toContain("• Ventilation");

    // The poster, regenerated on demand, shows the rating and its date.
    const posterAt = await u.press("🖨 New poster");
    const pdf = documentsSince(u, posterAt).find((d) => d.name.endsWith(".pdf"));
    const [page] = await pdfPageTexts(pdf!.bytes);
    expect(squash(page!)).toContain(squash("An toàn COVID: an toàn (tự đánh giá ngày 01/08/2021"));
  });

  it("a visitor's check-in confirmation shows the rating", async () => {
    const v = await visitor();
    const since = await v.u.command("start", `cp_${shop.code}`);
    expect(said(v.u, since)).toContain(
      "🟢 COVID safety: safe (self-assessed 01/08/2021, valid until 08/08/2021)",
    );
  });

  it("reminds the manager once before it lapses, then reads “not assessed”", async () => {
    const part = "The COVID-safety self-assessment of “Minh Anh grocery” lapses on 08/08/2021";
    at("2021-08-07T01:07:00Z"); // it lapses at 02:00 tomorrow: more than 24 h away, not due yet
    expect(await bot.app.background!.scheduler.runNow(SAFETY_REMINDERS_JOB, now)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(sentContaining(bot, manager.u.id, part)).toHaveLength(0);
    at("2021-08-07T02:07:00Z");
    expect(await bot.app.background!.scheduler.runNow(SAFETY_REMINDERS_JOB, now)).toBe(true);
    await received(bot, manager.u.id, part);
    at("2021-08-07T04:07:00Z");
    expect(await bot.app.background!.scheduler.runNow(SAFETY_REMINDERS_JOB, now)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(sentContaining(bot, manager.u.id, part)).toHaveLength(1);
    expect(
      manager.u
        .keyboard()
        .inline.flat()
        .map((b) => b.data),
    ).toContain(`safety:start:${shop.id}`);

    at("2021-08-08T02:01:00Z");
    const v = await visitor();
    const since = await v.u.command("start", `cp_${shop.code}`);
    expect(said(v.u, since)).toContain("COVID safety: not assessed");
  });
});
