import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine, Feature, HandleRequest } from "../../../bot/core/engine.js";
import type { Input } from "../../../bot/core/types.js";
import { accountFeature } from "../../../bot/features/account/index.js";
import type { Database } from "../../../db/client.js";
import { identities, users } from "../../../db/schema/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import { testEngine } from "../../support/engine.js";

let fresh: FreshDatabase;
let database: Database;
let engine: Engine;

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
  engine = testEngine(database);
});
afterAll(async () => {
  await database.close();
  await fresh.drop();
});

let nextUser = 1000;
const person = () => {
  nextUser += 1;
  const id = String(nextUser);
  return (input: Input, updateId?: string): Promise<Awaited<ReturnType<Engine["handle"]>>> =>
    engine.handle({
      channel: "telegram",
      externalUserId: id,
      chatId: id,
      input,
      updateId,
    } satisfies HandleRequest);
};
const texts = (r: { replies: { kind: string; text?: string }[] }) => r.replies.map((x) => x.text ?? "");

async function phoneOf(externalId: string) {
  const [row] = await database.db
    .select({ phone: users.phone, lang: users.lang })
    .from(identities)
    .innerJoin(users, eq(users.id, identities.userId))
    .where(eq(identities.externalId, externalId));
  return row;
}

describe("dialog engine on a real database", () => {
  it("registers a person: language, then own phone", async () => {
    const say = person();
    const first = await say({ kind: "command", command: "start", payload: "" });
    expect(first.replies[0]).toMatchObject({
      kind: "text",
      options: [[{ id: "language:vi" }, { id: "language:en" }]],
    });
    const afterLang = await say({ kind: "option", data: "language:en" });
    expect(afterLang.lang).toBe("en");
    expect(afterLang.replies[1]).toMatchObject({ requestContact: "📱 Share my phone number" });
    const done = await say({ kind: "contact", phone: "84912345678", own: true });
    expect(texts(done)[0]).toContain("0912 345 678");
    expect(await phoneOf(String(nextUser))).toEqual({ phone: "+84912345678", lang: "en" });
    const again = await say({ kind: "command", command: "start", payload: "" });
    expect(texts(again)[0]).toContain("Your phone number: 0912 345 678");
  });

  it("keeps the flow through /help and /lang, and resumes it in the new language", async () => {
    const say = person();
    await say({ kind: "command", command: "start", payload: "" });
    await say({ kind: "option", data: "language:vi" });
    const help = await say({ kind: "command", command: "help", payload: "" });
    expect(help.replies.at(-1)).toMatchObject({ requestContact: "📱 Chia sẻ số điện thoại" });
    await say({ kind: "command", command: "lang", payload: "" });
    const resumed = await say({ kind: "option", data: "language:en" });
    expect(texts(resumed)[0]).toBe("English selected.");
    expect(resumed.replies.at(-1)).toMatchObject({ requestContact: "📱 Share my phone number" });
    const done = await say({ kind: "contact", phone: "84987654321", own: true });
    expect(done.replies[0]).toMatchObject({ removeKeyboard: true });
  });

  it("has no second effect for the same update id", async () => {
    const say = person();
    const a = await say({ kind: "command", command: "start", payload: "" }, "u-1");
    const b = await say({ kind: "command", command: "start", payload: "" }, "u-1");
    expect(a.duplicate).toBe(false);
    expect(b).toMatchObject({ duplicate: true, replies: [] });
    // Concurrent duplicates: exactly one is handled.
    const both = await Promise.all([
      say({ kind: "option", data: "language:vi" }, "u-2"),
      say({ kind: "option", data: "language:vi" }, "u-2"),
    ]);
    expect(both.filter((r) => !r.duplicate)).toHaveLength(1);
  });

  it("cancels cleanly", async () => {
    const say = person();
    await say({ kind: "command", command: "start", payload: "" });
    const c = await say({ kind: "command", command: "cancel", payload: "" });
    expect(c.replies[0]).toMatchObject({ removeKeyboard: true });
    const nothing = await say({ kind: "command", command: "cancel", payload: "" });
    expect(texts(nothing)[0]).toBe("Không có việc gì đang làm dở.");
  });
});

const inputArb: fc.Arbitrary<Input> = fc.oneof(
  fc.record({
    kind: fc.constant("command" as const),
    command: fc.constantFrom("start", "help", "lang", "cancel", "declare", "xyz", ""),
    payload: fc.oneof(fc.constant(""), fc.string({ maxLength: 70 })),
  }),
  fc.record({
    kind: fc.constant("text" as const),
    text: fc.oneof(
      fc.string(),
      fc.string({ minLength: 4000, maxLength: 5000 }),
      fc.constantFrom("1", "2", "0912345678", "English"),
    ),
  }),
  fc.record({
    kind: fc.constant("option" as const),
    data: fc.oneof(
      fc.string({ maxLength: 64 }),
      fc.constantFrom("language:vi", "language:en", "language:fr", "registration:x"),
    ),
  }),
  fc.record({
    kind: fc.constant("contact" as const),
    phone: fc.oneof(fc.stringMatching(/^\+?\d{0,15}$/), fc.constantFrom("84912345678", "0912345678", "")),
    own: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("photo" as const), fileRef: fc.string({ maxLength: 20 }), size: fc.nat() }),
  fc.record({
    kind: fc.constant("document" as const),
    fileRef: fc.string({ maxLength: 20 }),
    mimeType: fc.constantFrom("application/pdf", "image/png"),
  }),
  fc.record({
    kind: fc.constant("location" as const),
    latitude: fc.double({ noNaN: true }),
    longitude: fc.double({ noNaN: true }),
  }),
  fc.record({
    kind: fc.constant("unsupported" as const),
    what: fc.constantFrom("sticker", "voice", "video"),
  }),
);

describe("property: any input at any step", () => {
  it("never throws, always answers, and only an own contact sets the phone", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(inputArb, { minLength: 1, maxLength: 8 }), async (inputs) => {
        const say = person();
        const id = String(nextUser);
        for (const input of inputs) {
          const before = await phoneOf(id);
          const result = await say(input);
          expect(result.replies.length).toBeGreaterThan(0);
          for (const r of result.replies) {
            if (r.kind === "text") expect(r.text.trim().length).toBeGreaterThan(0);
          }
          const after = await phoneOf(id);
          if ((after?.phone ?? null) !== (before?.phone ?? null)) {
            expect(input.kind).toBe("contact");
            expect(input.kind === "contact" && input.own).toBe(true);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("buttons of earlier messages mid-conversation", () => {
  it("runs an idle button (like Check out) and asks the current question again", async () => {
    const feature: Feature = {
      name: "ping",
      idle: (input) =>
        input.kind === "option" && input.data === "ping:now"
          ? { state: null, replies: [], effects: [{ type: "account.setLang", lang: "en" }] }
          : null,
      effects: {},
    };
    const local = testEngine(database, { features: [accountFeature(), feature] });
    const id = "ping-1";
    const say = (input: Input) =>
      local.handle({ channel: "telegram", externalUserId: id, chatId: id, input });
    await say({ kind: "command", command: "start", payload: "" });
    await say({ kind: "option", data: "language:vi" });
    const r = await say({ kind: "option", data: "ping:now" });
    // The effect ran (language now English) and the registration question came again.
    expect(r.lang).toBe("en");
    expect(r.replies.at(-1)).toMatchObject({ requestContact: "📱 Chia sẻ số điện thoại" });
    const stale = await say({ kind: "option", data: "other:thing" });
    expect(texts(stale)[0]).toBe("That button is no longer active.");
  });
});
