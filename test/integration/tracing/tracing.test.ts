import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latestDeclaration } from "../../../bot/features/declaration/declarations.js";
import { personalQrToken } from "../../../bot/features/declaration/personal-qr.js";
import { runF2, runTrace, type TraceResult } from "../../../bot/features/tracing/traces.js";
import { loadIdHashKey } from "../../../bot/shared/id-hash.js";
import { officerScope } from "../../../bot/shared/officer-scope.js";
import { personBySubject } from "../../../bot/shared/people.js";
import { loadSigningKeys } from "../../../bot/shared/qr/signing-keys.js";
import type { Database } from "../../../db/client.js";
import { auditLog, people } from "../../../db/schema/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import { buildTown, type Town } from "../../support/tracing-town.js";
import { expectedContacts } from "../../support/tracing-world.js";

let fresh: FreshDatabase;
let database: Database;
let town: Town;
const firstDay = new Date("2021-08-01T17:00:00Z"); // 00:00 on 2 August in Hanoi
const now = new Date("2021-08-06T15:00:00Z");

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
  town = await buildTown(database.db, { seed: 28, firstDay, days: 4, now });
});
afterAll(async () => {
  await database?.close();
  await fresh?.drop();
});

const officer = async (id = town.officerId) => (await officerScope(database.db, id))!;
const expected = () =>
  expectedContacts({
    visits: town.oracleVisits,
    parents: town.parents,
    inScope: town.inScope,
    caseKeys: [town.residents[0]!.key],
    from: now.getTime() - 14 * 86_400_000,
    to: now.getTime(),
    bufferMs: 15 * 60_000,
  });

async function traceByPhone(): Promise<TraceResult> {
  const out = await runTrace(database.db, {
    officer: await officer(),
    query: { by: "phone", phone: town.residents[0]!.phone },
    days: 14,
    now,
  });
  if (out.kind !== "ok") throw new Error("not found");
  return out.result;
}

describe("tracing on the visits", () => {
  it("finds exactly the F1 set computed independently, with the first exposure of each", async () => {
    const r = await traceByPhone();
    const want = expected();
    expect(want.f1.size).toBeGreaterThan(2);
    expect(new Set(r.contacts.map((c) => c.visitorKey))).toEqual(new Set(want.f1.keys()));
    for (const c of r.contacts) expect(c.exposedAt.getTime()).toBe(want.f1.get(c.visitorKey));
    expect(r.contacts.every((c) => c.degree === 1)).toBe(true);
  });

  it("lists the case's visits, those outside the officer's commune marked, and names contacts", async () => {
    const r = await traceByPhone();
    const mine = town.visits.filter((v) => v.who === 0);
    expect(r.caseVisits).toHaveLength(mine.length);
    expect(r.caseVisits.filter((v) => !v.inScope).map((v) => v.place)).toEqual(["Far shop"]);
    const walkIn = r.contacts.find((c) => c.visitorKey.startsWith("w:"));
    expect(walkIn).toMatchObject({
      name: town.residents[11]!.name,
      userId: null,
      phone: town.residents[11]!.phone,
    });
    expect(walkIn!.overlapMinutes).toBe(20);
    // Met at another part of the same place, just after the case left: inside the buffer, no overlap.
    const dependent = r.contacts.find((c) => c.visitorKey.startsWith("p:"));
    expect(dependent).toMatchObject({ userId: town.residents[9]!.userId, name: town.residents[10]!.name });
    expect(dependent!.overlapMinutes).toBe(0);
    expect(r.places.get(town.places.get("Market hall A")!.id)).toBe("Market › Market hall A");
  });

  it("finds exactly the F2 set: people who met an F1 after that F1's exposure", async () => {
    const r = await traceByPhone();
    const f2 = await runF2(database.db, { officer: await officer(), trace: r.trace, now });
    const want = expected();
    expect(want.f2.size).toBeGreaterThan(0);
    expect(new Set(f2.contacts.map((c) => c.visitorKey))).toEqual(want.f2);
    const f1Ids = new Set(r.contacts.map((c) => c.id));
    for (const c of f2.contacts) expect(f1Ids.has(c.viaContactId!)).toBe(true);
    // Run again: nothing doubles.
    const again = await runF2(database.db, { officer: await officer(), trace: r.trace, now });
    expect(again.contacts.map((c) => c.id).sort()).toEqual(f2.contacts.map((c) => c.id).sort());
  });

  it("finds the same person by ID number and by their personal QR, even an expired one", async () => {
    const db = database.db;
    const byId = await runTrace(db, {
      officer: await officer(),
      query: { by: "id", idNumber: town.residents[0]!.idNumber, hashKey: await loadIdHashKey(db, now) },
      days: 7,
      now,
    });
    const keys = await loadSigningKeys(db, { now });
    const [person] = await db.select().from(people).where(eq(people.id, town.residents[0]!.personId!));
    const declaration = (await latestDeclaration(db, person!.id))!;
    const token = personalQrToken(person!, declaration, keys.current);
    expect((await personBySubject(db, person!.subjectId))?.id).toBe(person!.id);
    const byQr = await runTrace(db, {
      officer: await officer(),
      query: { by: "qr", token, keys: keys.keyring },
      days: 7,
      now,
    });
    expect(byId.kind === "ok" && byId.result.traced.keys).toEqual([town.residents[0]!.key]);
    expect(byQr.kind === "ok" && byQr.result.traced.personId).toBe(person!.id);
  });

  it("refuses an officer of another commune as if nobody matched, and audits the attempt", async () => {
    const other = await officer(town.otherOfficerId);
    const out = await runTrace(database.db, {
      officer: other,
      query: { by: "phone", phone: town.residents[0]!.phone },
      days: 14,
      now,
    });
    expect(out.kind).toBe("notFound");
    const rows = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.actorUserId, town.otherOfficerId));
    expect(rows.map((a) => [a.action, a.subjectUserIds, (a.detail as { reason: string }).reason])).toEqual([
      ["trace.refused", [town.residents[0]!.userId], "outOfScope"],
    ]);
  });

  it("audits each trace with the case and every contact as subjects, under the commune scope", async () => {
    const r = await traceByPhone();
    const [row] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "trace.run"))
      .orderBy(auditLog.id)
      .limit(1);
    expect(row).toMatchObject({ actorUserId: town.officerId, scopeType: "commune", scopeId: "00004" });
    const subjects = new Set(row!.subjectUserIds);
    expect(subjects.has(town.residents[0]!.userId!)).toBe(true);
    for (const c of r.contacts) if (c.userId) expect(subjects.has(c.userId)).toBe(true);
  });
});
