import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../../bot/core/engine.js";
import type { Input } from "../../../bot/core/types.js";
import { accountFeature } from "../../../bot/features/account/index.js";
import { invitationFeature, roleInvitationKind } from "../../../bot/features/invitation/index.js";
import { createInvitation } from "../../../bot/shared/invitations.js";
import { ForbiddenError, grantsOf, hasRole, requireRole, scopesOf } from "../../../bot/shared/roles.js";
import type { Database } from "../../../db/client.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import { testEngine } from "../../support/engine.js";

let fresh: FreshDatabase;
let database: Database;
let engine: Engine;
let now = new Date("2026-11-26T02:00:00Z");

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
  engine = testEngine(database, {
    clock: () => now,
    features: [accountFeature(), invitationFeature({ kinds: [roleInvitationKind()] })],
  });
});
afterAll(async () => {
  await database.close();
  await fresh.drop();
});

let nextId = 5000;
async function registered(lang: "vi" | "en" = "en") {
  nextId += 1;
  const id = String(nextId);
  const say = (input: Input) => engine.handle({ channel: "telegram", externalUserId: id, chatId: id, input });
  await say({ kind: "command", command: "start", payload: "" });
  await say({ kind: "option", data: `language:${lang}` });
  const done = await say({ kind: "contact", phone: `8491${id.padStart(7, "0")}`, own: true });
  return { say, userId: done.user!.id };
}
const text = (r: { replies: { kind: string; text?: string }[] }) =>
  r.replies.map((x) => x.text ?? "").join("\n");

async function invite(opts: { maxUses?: number | null; ttlMs?: number } = {}) {
  return createInvitation(database.db, {
    kind: "role",
    payload: { role: "checkpoint_staff", scope: { type: "checkpoint", id: "7" }, label: "Chợ Bến Thành" },
    now,
    ttlMs: opts.ttlMs ?? 86_400_000,
    maxUses: opts.maxUses === undefined ? 1 : opts.maxUses,
  });
}

describe("invitations", () => {
  it("grants the role with its scope once accepted", async () => {
    const inv = await invite();
    const { say, userId } = await registered();
    const q = await say({ kind: "command", command: "start", payload: inv.payload });
    expect(text(q)).toContain("as checkpoint staff — Chợ Bến Thành");
    expect(await hasRole(database.db, userId, "checkpoint_staff", { type: "checkpoint", id: "7" })).toBe(
      false,
    );
    const a = await say({ kind: "option", data: "invitation:accept" });
    expect(text(a)).toContain("You now have the role of checkpoint staff — Chợ Bến Thành.");
    expect(await grantsOf(database.db, userId)).toEqual([
      { role: "checkpoint_staff", scope: { type: "checkpoint", id: "7" } },
    ]);
    expect(await scopesOf(database.db, userId, ["checkpoint_staff"], "checkpoint")).toEqual(["7"]);
    expect(await hasRole(database.db, userId, "checkpoint_staff", { type: "checkpoint", id: "8" })).toBe(
      false,
    );
    await expect(
      requireRole(database.db, userId, "checkpoint_manager", { type: "checkpoint", id: "7" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("is one-time: the second person is refused", async () => {
    const inv = await invite();
    const a = await registered();
    const b = await registered("vi");
    await a.say({ kind: "command", command: "start", payload: inv.payload });
    await a.say({ kind: "option", data: "invitation:accept" });
    const refused = await b.say({ kind: "command", command: "start", payload: inv.payload });
    expect(text(refused)).toBe("Lời mời này đã được sử dụng.");
    const again = await a.say({ kind: "command", command: "start", payload: inv.payload });
    expect(text(again)).toBe("You have already accepted this invitation.");
  });

  it("lets only one of two people racing for a one-time link have it", async () => {
    const inv = await invite();
    const a = await registered();
    const b = await registered();
    await a.say({ kind: "command", command: "start", payload: inv.payload });
    await b.say({ kind: "command", command: "start", payload: inv.payload });
    await Promise.all([
      a.say({ kind: "option", data: "invitation:accept" }),
      b.say({ kind: "option", data: "invitation:accept" }),
    ]);
    const holders = [
      await hasRole(database.db, a.userId, "checkpoint_staff", { type: "checkpoint", id: "7" }),
      await hasRole(database.db, b.userId, "checkpoint_staff", { type: "checkpoint", id: "7" }),
    ];
    expect(holders.filter(Boolean)).toHaveLength(1);
  });

  it("refuses an expired, unknown or declined invitation", async () => {
    const inv = await invite({ ttlMs: 60_000 });
    const { say, userId } = await registered();
    now = new Date(now.getTime() + 120_000);
    expect(text(await say({ kind: "command", command: "start", payload: inv.payload }))).toContain("expired");
    expect(text(await say({ kind: "command", command: "start", payload: "inv_doesnotexist123" }))).toContain(
      "not found",
    );
    const fresh2 = await invite();
    await say({ kind: "command", command: "start", payload: fresh2.payload });
    expect(text(await say({ kind: "option", data: "invitation:decline" }))).toBe(
      "You declined the invitation.",
    );
    expect(await grantsOf(database.db, userId)).toEqual([]);
  });

  it("takes a newcomer through registration first, then asks", async () => {
    const inv = await invite({ maxUses: null });
    nextId += 1;
    const id = String(nextId);
    const say = (input: Input) =>
      engine.handle({ channel: "telegram", externalUserId: id, chatId: id, input });
    const first = await say({ kind: "command", command: "start", payload: inv.payload });
    expect(first.replies[0]).toMatchObject({ options: [[{ id: "language:vi" }, { id: "language:en" }]] });
    await say({ kind: "option", data: "language:vi" });
    const asked = await say({ kind: "contact", phone: "84911222333", own: true });
    expect(text(asked)).toContain("Bạn được mời: làm nhân viên điểm kiểm soát — Chợ Bến Thành");
  });
});
