import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../../bot/core/engine.js";
import type { Input, Reply } from "../../../bot/core/types.js";
import { accountFeature } from "../../../bot/features/account/index.js";
import { type Answers, FORM } from "../../../bot/features/declaration/form.js";
import { declarationFeature } from "../../../bot/features/declaration/index.js";
import { loadSigningKeys } from "../../../bot/shared/qr/signing-keys.js";
import { verifyQrToken } from "../../../bot/shared/qr/token.js";
import type { Database } from "../../../db/client.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import { option, replyText, typed, validInput } from "../../support/declaration.js";
import { testEngine } from "../../support/engine.js";

let fresh: FreshDatabase;
let database: Database;
let engine: Engine;
let now = new Date("2026-11-26T03:00:00Z");

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
  engine = testEngine(database, {
    clock: () => now,
    features: [accountFeature(), declarationFeature({ qrValidDays: 7 })],
  });
});
afterAll(async () => {
  await database.close();
  await fresh.drop();
});

let nextId = 5000;
async function registered(lang: "vi" | "en" = "vi") {
  const id = String(++nextId);
  const say = async (input: Input) => {
    const r = await engine.handle({ channel: "telegram", externalUserId: id, chatId: id, input });
    return r.replies;
  };
  await say({ kind: "command", command: "start", payload: "" });
  await say({ kind: "option", data: `language:${lang}` });
  await say({ kind: "contact", phone: `8491${id.padStart(7, "0")}`, own: true });
  return say;
}
const cmd = (command: string): Input => ({ kind: "command", command, payload: "" });
const texts = (replies: Reply[]) => replies.map(replyText).join("\n");
const last = (replies: Reply[]) => replies.at(-1);
const stepOf = (r: Reply | undefined) => {
  const ids = r?.kind === "text" ? (r.options ?? []).flat().map((o) => o.id) : [];
  return ids;
};

/** Answers every question with a valid input until the summary, reading the question from the last reply. */
async function fillForm(say: (i: Input) => Promise<Reply[]>, first: Reply[]) {
  let replies = first;
  const answers: Answers = {};
  for (let i = 0; i < 20; i++) {
    const r = last(replies);
    const title = replyText(r);
    if (stepOf(r).includes("declaration:confirm")) return replies;
    const asks = (lang: "vi" | "en", key: string) =>
      title.includes(`) ${engine.t(lang)(`declaration:${key}.ask`)}`);
    const q = FORM.find((x) => asks("vi", x.key) || asks("en", x.key));
    if (!q) throw new Error(`no question in: ${title}`);
    replies = await say(validInput(q, answers));
  }
  throw new Error("the form never ended");
}

describe("declaration feature on the engine", () => {
  it("declares, answers with the QR photo whose token verifies, and /qr gives the same code", async () => {
    const say = await registered();
    const summary = await fillForm(say, await say(cmd("declare")));
    const sent = await say(option("declaration:confirm"));
    const photo = sent.find((r) => r.kind === "photo");
    expect(photo?.kind).toBe("photo");
    if (photo?.kind !== "photo") return;
    expect(Buffer.from(photo.png).subarray(1, 4).toString()).toBe("PNG");
    expect(photo.caption).toContain("N.V.A.");
    expect(photo.caption).toContain("🟢");
    expect(photo.caption).toContain("Khai báo lúc: 10:00 26/11/2026");
    expect(photo.caption).toContain("Có giá trị đến: 10:00 03/12/2026");
    const { keyring } = await loadSigningKeys(database.db, { now });
    expect(verifyQrToken(photo.qr ?? "", { keys: keyring, now })).toMatchObject({ ok: true });
    expect(texts(summary)).toContain("Nguyễn Văn An");
    const again = await say(cmd("qr"));
    expect(again[0]).toMatchObject({ kind: "photo", qr: photo.qr });
  });

  it("explains when there is no QR, and when it expired", async () => {
    const say = await registered("en");
    expect(texts(await say(cmd("qr")))).toContain("You have no personal QR code yet");
    await fillForm(say, await say(cmd("declare")));
    await say(option("declaration:confirm"));
    const saved = now;
    now = new Date(saved.getTime() + 8 * 86_400_000);
    try {
      expect(texts(await say(cmd("qr")))).toContain("has expired");
    } finally {
      now = saved;
    }
  });

  it("resumes an interrupted declaration after another command and a restart", async () => {
    const say = await registered();
    await say(cmd("declare"));
    await say(typed("Nguyễn Văn An"));
    await say(typed("1985"));
    await say(cmd("qr"));
    // A restart: a new engine on the same database, nothing kept in memory.
    engine = testEngine(database, {
      clock: () => now,
      features: [accountFeature(), declarationFeature({ qrValidDays: 7 })],
    });
    const back = await say(cmd("declare"));
    expect(texts(back)).toContain("Bạn còn một tờ khai đang làm dở.");
    const resumed = await say(option("declaration:resume:go"));
    expect(texts(resumed)).toContain("Giới tính");
  });

  it("adds a dependent, declares for them and prints the QR cards", async () => {
    const say = await registered();
    await fillForm(say, await say(cmd("declare")));
    await say(option("declaration:confirm"));
    await say(cmd("family"));
    await say(option("family:add"));
    await say(typed("Nguyễn Thị Cúc"));
    await say(typed("1950"));
    await say(option("family:rel:grandparent"));
    const list = await say(option("family:skip"));
    expect(texts(list)).toContain("Đã thêm Nguyễn Thị Cúc");
    const declareFor = stepOf(last(list)).find((id) => id.startsWith("family:decl:"))!;
    const first = await say(option(declareFor));
    expect(texts(first)).toContain("Khai hộ cho: Nguyễn Thị Cúc");
    await fillForm(say, first);
    const sent = await say(option("declaration:confirm"));
    expect(sent.find((r) => r.kind === "photo")).toMatchObject({
      caption: expect.stringContaining("N.T.C."),
    });
    await say(cmd("family"));
    const cards = await say(option("family:cards"));
    const pdf = cards.find((r) => r.kind === "document");
    expect(pdf).toMatchObject({ kind: "document", mimeType: "application/pdf", fileName: "qr-cards.pdf" });
    if (pdf?.kind === "document") expect(Buffer.from(pdf.bytes).subarray(0, 5).toString()).toBe("%PDF-");
  });
});
