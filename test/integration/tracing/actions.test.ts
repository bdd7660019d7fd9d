import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGroup } from "../../../bot/features/monitoring/groups.js";
import { confirmCase, sendNotices, setFollowUp, traceFor } from "../../../bot/features/tracing/actions.js";
import { enrollF1 } from "../../../bot/features/tracing/enroll.js";
import { runTrace, type TraceResult } from "../../../bot/features/tracing/traces.js";
import { decodeReply } from "../../../bot/platform/outbox/payload.js";
import { officerScope } from "../../../bot/shared/officer-scope.js";
import { ForbiddenError, grantRole } from "../../../bot/shared/roles.js";
import type { Database } from "../../../db/client.js";
import { auditLog, monitoringMembers, outbox, traceContacts, traces } from "../../../db/schema/index.js";
import { i18n } from "../../support/context.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import { account, buildTown, type Town } from "../../support/tracing-town.js";

let fresh: FreshDatabase;
let database: Database;
let town: Town;
let result: TraceResult;
const firstDay = new Date("2021-08-01T17:00:00Z");
const now = new Date("2021-08-06T05:00:00Z"); // 12:00 on 6 August in Hanoi
const tz = "Asia/Ho_Chi_Minh";

const officer = async (id = town.officerId) => (await officerScope(database.db, id))!;

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
  town = await buildTown(database.db, { seed: 28, firstDay, days: 4, now });
  const out = await runTrace(database.db, {
    officer: await officer(),
    query: { by: "phone", phone: town.residents[0]!.phone },
    days: 14,
    now,
  });
  if (out.kind !== "ok") throw new Error("trace failed");
  result = out.result;
});
afterAll(async () => {
  await database?.close();
  await fresh?.drop();
});

describe("acting on a trace", () => {
  it("is allowed to officials of the case's area only", async () => {
    await expect(traceFor(database.db, await officer(town.otherOfficerId), result.trace.id)).rejects.toThrow(
      ForbiddenError,
    );
    const district = await account(database.db, "800003", "+84913008003", now);
    await grantRole(database.db, {
      userId: district,
      role: "district_officer",
      scope: { type: "province", id: "01" },
    });
    expect((await traceFor(database.db, await officer(district), result.trace.id)).id).toBe(result.trace.id);
  });

  it("queues one exposure notice per F1 with a chat, in their language, and never twice", async () => {
    const db = database.db;
    const s = await sendNotices(db, i18n, {
      officer: await officer(),
      traceId: result.trace.id,
      now,
      timeZone: tz,
    });
    const f1 = result.contacts;
    const withAccount = f1.filter((c) => c.userId !== null);
    expect(s).toEqual({ reachable: withAccount.length, queued: withAccount.length, unreachable: 1 });
    // The town's checkpoint managers' menus are in the outbox too; the notices are the rest.
    const notices = async () =>
      (await db.select().from(outbox)).filter((r) => !r.dedupeKey.startsWith("menu:"));
    const rows = await notices();
    expect(rows).toHaveLength(withAccount.length);
    const dependent = f1.find((c) => c.personId !== null && c.visitorKey.startsWith("p:"))!;
    const guardianRow = rows.find((r) => r.dedupeKey.endsWith(dependent.visitorKey))!;
    const text = (decodeReply(guardianRow.payload) as { text: string }).text;
    expect(text).toContain(`Health notice for ${dependent.name}`);
    expect(text).toContain(dependent.placeName);
    expect(text).not.toContain(town.residents[0]!.name);
    const again = await sendNotices(db, i18n, {
      officer: await officer(),
      traceId: result.trace.id,
      now,
      timeZone: tz,
    });
    expect(again.queued).toBe(0);
    expect(await notices()).toHaveLength(withAccount.length);
    const notified = await db.select().from(traceContacts).where(eq(traceContacts.traceId, result.trace.id));
    expect(notified.filter((c) => c.notifiedAt !== null)).toHaveLength(withAccount.length);
  });

  it("records follow-up statuses and F0, each audited", async () => {
    const db = database.db;
    const contact = result.contacts[0]!;
    const o = await officer();
    expect(
      (await setFollowUp(db, { officer: o, contactId: contact.id, status: "missed", now })).followUp,
    ).toBe("missed");
    expect(
      (await setFollowUp(db, { officer: o, contactId: contact.id, status: "seen_ok", now })).followUp,
    ).toBe("seen_ok");
    expect(await confirmCase(db, { officer: o, traceId: result.trace.id, now })).toBe(true);
    expect(await confirmCase(db, { officer: o, traceId: result.trace.id, now })).toBe(false);
    const rows = await db.select().from(auditLog).where(eq(auditLog.actorUserId, town.officerId));
    const followUps = rows.filter((r) => r.action === "trace.followUp").map((r) => r.detail);
    expect(followUps).toEqual([
      { traceId: result.trace.id, contactId: contact.id, status: "missed", was: "not_attempted" },
      { traceId: result.trace.id, contactId: contact.id, status: "seen_ok", was: "missed" },
    ]);
    const [t] = await db.select().from(traces).where(eq(traces.id, result.trace.id));
    expect(t).toMatchObject({ confirmedBy: town.officerId });
  });

  it("enrolls the F1s in a group the officer already runs, each from their exposure day", async () => {
    const db = database.db;
    const group = await createGroup(
      db,
      town.officerId,
      {
        kind: "home",
        name: "Cách ly tại nhà phường",
        communeCode: "00004",
        place: "Phường",
        startsOn: "2021-08-01",
        endsOn: "2021-09-30",
        windows: [{ from: 420, to: 600 }],
      },
      now,
    );
    const s = await enrollF1(db, i18n, {
      officer: await officer(),
      traceId: result.trace.id,
      groupId: group.id,
      name: "unused",
      now,
      timeZone: tz,
    });
    expect(s).toMatchObject({
      created: false,
      dependents: 1,
      skipped: 0,
      listed: result.contacts.length - 1,
    });
    const members = await db.select().from(monitoringMembers).where(eq(monitoringMembers.groupId, group.id));
    const walkIn = result.contacts.find((c) => c.visitorKey.startsWith("w:"))!;
    const listed = members.find((m) => m.phone === walkIn.phone)!;
    const day = new Date(walkIn.exposedAt.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
    expect(listed).toMatchObject({ status: "pending", startsOn: day });
    expect(Date.parse(listed.endsOn) - Date.parse(day)).toBe(14 * 86_400_000);
    const [t] = await db.select().from(traces).where(eq(traces.id, result.trace.id));
    expect(t?.groupId).toBe(group.id);
    // The other commune's officer runs no group of this trace and may not use it.
    await expect(
      enrollF1(db, i18n, {
        officer: await officer(town.otherOfficerId),
        traceId: result.trace.id,
        groupId: group.id,
        name: "x",
        now,
        timeZone: tz,
      }),
    ).rejects.toThrow(ForbiddenError);
  });
});
