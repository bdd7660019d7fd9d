import { and, eq, inArray } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInvitation } from "../../bot/shared/invitations.js";
import { parseCsv } from "../../bot/shared/spreadsheet.js";
import {
  auditLog,
  checkpoints,
  declarations,
  identities,
  monitoringGroups,
  monitoringMembers,
  outbox,
  processedUpdates,
  traceContacts,
  traces,
  visits,
} from "../../db/schema/index.js";
import type { ScriptedUser } from "../fake-telegram/index.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";
import { buildTown, declareFor, residentName, residentPhone, type Town } from "../support/tracing-town.js";
import { COMMUNE_HERE, COMMUNE_THERE, expectedContacts } from "../support/tracing-world.js";
import { documentsSince, said } from "./checkpoints-support.js";

const MIN = 60_000;
const DAY = 86_400_000;
const firstDay = new Date("2021-08-01T17:00:00Z"); // 00:00, 2 August, in Hanoi
let now = new Date(firstDay);
let bot: TestBot;
let town: Town;
const users = new Map<number, ScriptedUser>();
let officer: ScriptedUser;
let other: ScriptedUser;
let admin: ScriptedUser;
const ADMIN_ID = 990_001;

async function register(phone: string, lang: "en" | "vi" = "en", id?: number): Promise<ScriptedUser> {
  const u = bot.user({ languageCode: lang, ...(id ? { id } : {}) });
  await u.command("start");
  await u.press(lang === "vi" ? "Tiếng Việt" : "English");
  await u.press("consent:agree");
  await u.contact(phone.replace("+", ""));
  return u;
}

async function userIdOf(u: ScriptedUser): Promise<number> {
  const [row] = await bot.app.database.db
    .select({ userId: identities.userId })
    .from(identities)
    .where(eq(identities.externalId, String(u.id)));
  return row!.userId;
}

async function appoint(u: ScriptedUser, commune: string) {
  const inv = await createInvitation(bot.app.database.db, {
    kind: "role",
    payload: { role: "commune_officer", scope: { type: "commune", id: commune }, label: commune },
    now,
    ttlMs: DAY,
    maxUses: 1,
  });
  await u.command("start", inv.payload);
  await u.press("invitation:accept");
}

async function waitFor(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("timed out waiting");
    bot.app.background?.wake();
    await new Promise((r) => setTimeout(r, 50));
  }
}

const csvOf = (u: ScriptedUser, since: number, suffix: string) => {
  const doc = documentsSince(u, since).find((d) => d.name.endsWith(suffix));
  if (!doc) throw new Error(`no ${suffix} sent`);
  return parseCsv(doc.bytes.toString("utf8"));
};

/** The F1 and F2 sets from every visit in the database, computed here without the bot's SQL. */
async function expected() {
  const db = bot.app.database.db;
  const cps = await db.select().from(checkpoints);
  const rows = await db.select().from(visits);
  const commune = new Map(cps.map((c) => [c.id, c.communeCode]));
  return expectedContacts({
    visits: rows.map((v) => ({
      key: v.visitorKey,
      checkpointId: v.checkpointId,
      start: v.checkedInAt.getTime(),
      end: (v.checkedOutAt ?? v.autoCheckoutAt).getTime(),
    })),
    parents: new Map(cps.map((c) => [c.id, c.parentId])),
    inScope: (id) => commune.get(id) === COMMUNE_HERE,
    caseKeys: [town.residents[0]!.key, `w:${town.residents[0]!.phone}`],
    from: now.getTime() - 14 * DAY,
    to: now.getTime(),
    bufferMs: 15 * MIN,
  });
}
const nameOfKey = (key: string) => town.residents.find((r) => r.key === key)!.name;

beforeAll(async () => {
  bot = await startTestBot({ clock: () => now, env: { ADMIN_TELEGRAM_IDS: String(ADMIN_ID) } });
  const accounts = new Map<number, number>();
  for (let who = 0; who < 10; who++) {
    const u = await register(residentPhone(who), who === 3 ? "vi" : "en");
    users.set(who, u);
    accounts.set(who, await userIdOf(u));
  }
  town = await buildTown(bot.app.database.db, { seed: 28, firstDay, days: 4, now, accounts });
  // Someone declared symptoms, someone an exposure: the shares in /stats are not all green.
  await declareFor(bot.app.database.db, accounts.get(4)!, new Date(firstDay.getTime() + DAY), {
    name: residentName(4),
    idNumber: "001090010004",
    commune: COMMUNE_HERE,
    symptoms: ["fever"],
  });
  await declareFor(bot.app.database.db, accounts.get(6)!, new Date(firstDay.getTime() + 2 * DAY), {
    name: residentName(6),
    idNumber: "001090010006",
    commune: COMMUNE_HERE,
    exposed: true,
  });
  officer = await register("+84913007001");
  await appoint(officer, COMMUNE_HERE);
  other = await register("+84913007002");
  await appoint(other, COMMUNE_THERE);
  admin = await register("+84913007003", "en", ADMIN_ID);

  // The fifth day, through the bot: the case at a floor of the clinic, resident 7 at the clinic itself.
  const clinic = town.places.get("Clinic")!;
  const floor = town.places.get("Clinic floor 2")!;
  now = new Date(firstDay.getTime() + 4 * DAY + 10 * 60 * MIN);
  expect(said(users.get(0)!, await users.get(0)!.command("start", `cp_${floor.code}`))).toContain(
    "Checked in",
  );
  now = new Date(now.getTime() + 20 * MIN);
  expect(said(users.get(7)!, await users.get(7)!.command("start", `cp_${clinic.code}`))).toContain(
    "Checked in",
  );
  now = new Date(now.getTime() + 20 * MIN);
  await users.get(0)!.command("checkout");
  now = new Date(now.getTime() + 20 * MIN);
  await users.get(7)!.command("checkout");
  now = new Date(firstDay.getTime() + 4 * DAY + 12 * 60 * MIN);
}, 120_000);

afterAll(async () => {
  await bot?.stop();
});

let traceId: number;

describe("/trace", () => {
  it("returns exactly the F1 set computed independently, as a summary and CSV/XLSX files", async () => {
    await officer.command("trace");
    expect(officer.lastText()).toContain("last 14 days");
    const at = await officer.text("0913 005 000");
    const text = said(officer, at);
    const want = await expected();
    expect(want.f1.has(town.residents[7]!.key)).toBe(true);
    expect(text).toContain(`F1 (same place, same time): ${want.f1.size}`);
    expect(text).toContain("outside your area");
    const csv = csvOf(officer, at, "-f1.csv");
    const f1Names = new Set(csv.filter((r) => r[0] === "F1").map((r) => r[2]));
    expect(f1Names).toEqual(new Set([...want.f1.keys()].map(nameOfKey)));
    expect(csv.filter((r) => r[0] === "F0").length).toBeGreaterThan(3);
    expect(documentsSince(officer, at).map((d) => d.name.split(".").at(-1))).toEqual(["csv", "xlsx"]);
    const [trace] = await bot.app.database.db.select().from(traces);
    traceId = trace!.id;
  });

  it("adds exactly the F2 set on request", async () => {
    const at = await officer.press("➕ Find F2");
    const want = await expected();
    expect(said(officer, at)).toContain(`: ${want.f2.size}`);
    const names = new Set(
      csvOf(officer, at, "-f2.csv")
        .filter((r) => r[0] === "F2")
        .map((r) => r[2]),
    );
    expect(names).toEqual(new Set([...want.f2].map(nameOfKey)));
  });

  it("is refused to the officer of another commune, who cannot see this case or its contacts", async () => {
    const at = await other.command("trace", "0913005000");
    expect(said(other, at)).toContain("Nobody in your area");
    const [contact] = await bot.app.database.db.select().from(traceContacts).limit(1);
    const press = await other.pressData(`trace:fu:${traceId}`);
    expect(said(other, press)).toContain("not allowed");
    const follow = await other.command("followup", String(contact!.id));
    expect(said(other, follow)).toContain("not allowed");
    expect(said(other, follow)).not.toContain(contact!.name);
  });
});

describe("after the trace", () => {
  it("sends each F1 one notice that names neither the case nor anyone else", async () => {
    const db = bot.app.database.db;
    await officer.press("📣 Send notices");
    const at = await officer.press("Yes");
    expect(said(officer, at)).toMatch(/notices queued for \d+ F1/);
    const f1 = await db
      .select()
      .from(traceContacts)
      .where(and(eq(traceContacts.traceId, traceId), eq(traceContacts.degree, 1)));
    const reachable = f1.filter((c) => c.userId !== null);
    expect(reachable.length).toBeGreaterThan(2);
    const chatOf = new Map([...users.entries()].map(([who, u]) => [town.residents[who]!.userId, u]));
    const notices = (u: ScriptedUser) =>
      u.replies().filter((c) => /Health notice|Thông báo y tế/.test(String(c.params.text ?? "")));
    await waitFor(() => reachable.every((c) => notices(chatOf.get(c.userId)!).length > 0));
    // Pressed again: the outbox keys (case, contact) keep it at one.
    await officer.press("📣 Send notices");
    await officer.press("Yes");
    await new Promise((r) => setTimeout(r, 300));
    bot.app.background?.wake();
    await new Promise((r) => setTimeout(r, 300));
    const everyone = town.residents.map((r) => r.name);
    for (const [userId, u] of chatOf) {
      const mine = reachable.filter((c) => c.userId === userId);
      const got = notices(u).map((c) => String(c.params.text));
      // One per contact: a guardian hears once for themselves and once for their dependent, if both.
      expect(got).toHaveLength(mine.length);
      const allowed = mine.filter((c) => c.personId !== null).map((c) => c.name);
      for (const body of got) {
        for (const name of everyone) if (!allowed.includes(name)) expect(body).not.toContain(name);
        expect(body).not.toContain("913 005 000");
      }
      for (const c of mine) expect(got.some((b) => b.includes(c.placeName))).toBe(true);
    }
    // Resident 3 chose Vietnamese.
    expect(reachable.some((c) => c.userId === town.residents[3]!.userId)).toBe(true);
    expect(String(notices(users.get(3)!)[0]!.params.text)).toContain("Thông báo y tế");
    const keys = await db.select({ key: outbox.dedupeKey }).from(outbox);
    expect(keys.filter((k) => k.key.startsWith("exposure:")).length).toBe(reachable.length);
  });

  it("records follow-up statuses per contact, by button and by /followup", async () => {
    await officer.press("📋 Follow-up");
    const [first] = await bot.app.database.db
      .select()
      .from(traceContacts)
      .where(eq(traceContacts.traceId, traceId))
      .orderBy(traceContacts.degree, traceContacts.exposedAt, traceContacts.id)
      .limit(1);
    await officer.press(`trace:fc:${first!.id}`);
    const at = await officer.press(`trace:fs:${first!.id}:signs`);
    expect(said(officer, at)).toContain("Follow-up: seen, with signs");
    const shown = await officer.command("followup", `#${first!.id}`);
    expect(said(officer, shown)).toContain(`#${first!.id}`);
    await officer.press(`trace:fs:${first!.id}:ok`);
    const [row] = await bot.app.database.db
      .select()
      .from(traceContacts)
      .where(eq(traceContacts.id, first!.id));
    expect(row).toMatchObject({ followUp: "seen_ok" });
  });

  it("enrolls every F1 in a new home-quarantine group in one step, from their exposure day for 14 days", async () => {
    const db = bot.app.database.db;
    await officer.press("🏠 Home quarantine for F1");
    const at = await officer.press("➕ New group");
    expect(said(officer, at)).toMatch(/Group “F1 of trace #\d+ \(06\/08\/2021\)” created/);
    const [group] = await db.select().from(monitoringGroups).where(eq(monitoringGroups.kind, "home"));
    const members = await db.select().from(monitoringMembers).where(eq(monitoringMembers.groupId, group!.id));
    const f1 = await db
      .select()
      .from(traceContacts)
      .where(and(eq(traceContacts.traceId, traceId), eq(traceContacts.degree, 1)));
    expect(members).toHaveLength(f1.length);
    for (const c of f1.filter((x) => x.personId === null)) {
      const m = members.find((x) => x.phone === c.phone)!;
      const day = new Date(c.exposedAt.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
      const end = new Date(Date.parse(day) + 14 * DAY).toISOString().slice(0, 10);
      expect([m.startsOn, m.endsOn]).toEqual([day, end]);
    }
  });

  it("marks the case as confirmed (F0) after a confirmation", async () => {
    await officer.press("🔴 Mark as F0");
    const at = await officer.press("Yes");
    expect(said(officer, at)).toContain("confirmed case (F0)");
    const [t] = await bot.app.database.db.select().from(traces).where(eq(traces.id, traceId));
    expect(t?.confirmedAt).not.toBeNull();
  });
});

describe("/invite", () => {
  it("lets an administrator make a district officer by chat, who then sees the whole province", async () => {
    await admin.command("invite");
    await admin.press("district officer");
    await admin.text("Hà Nội");
    const at = await admin.press("The whole province");
    const link = /start=(inv_[A-Za-z0-9_-]+)/.exec(said(admin, at))?.[1];
    expect(link).toBeDefined();
    const district = await register("+84913007004");
    await district.command("start", link);
    await district.press("invitation:accept");
    const traced = await district.command("trace", "0913005000");
    expect(said(district, traced)).toContain(`Trace #${traceId + 1}: ${residentName(0)}`);
    // The place by its names, never by its codes.
    expect(said(district, traced)).toMatch(
      new RegExp(`Trace #${traceId + 1}: ${residentName(0)} \\(born [^)]+\\), Phường Ba Đình, Hà Nội\n`),
    );
  });
});

describe("/stats", () => {
  it("sends numbers that match the data and PNG charts readable on a phone", async () => {
    const db = bot.app.database.db;
    await officer.command("stats");
    const at = await officer.press("7 days");
    const text = said(officer, at);
    const from = new Date(firstDay.getTime() - 2 * DAY); // 00:00 on 31 July, the first of 7 days to 6 August
    const decl = (await db.select().from(declarations)).filter(
      (d) => d.communeCode === COMMUNE_HERE && d.declaredAt >= from && d.declaredAt <= now,
    );
    const red = decl.filter((d) => d.status === "red").length;
    const yellow = decl.filter((d) => d.status === "yellow").length;
    expect(text).toContain(`Declarations: ${decl.length} — 🔴 red ${red} (`);
    expect(text).toContain(`🟡 yellow ${yellow} (`);
    const cps = await db.select().from(checkpoints);
    const here = new Set(cps.filter((c) => c.communeCode === COMMUNE_HERE).map((c) => c.id));
    const checkins = (await db.select().from(visits)).filter(
      (v) => here.has(v.checkpointId) && v.checkedInAt >= from && v.checkedInAt <= now,
    );
    expect(text).toContain(`Check-ins: ${checkins.length}.`);
    const photos = officer.repliesSince(at).filter((c) => c.method === "sendPhoto");
    expect(photos.length).toBeGreaterThanOrEqual(3);
    for (const p of photos) {
      const meta = await sharp(p.params.photo.bytes as Buffer).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["png", 1080, 720]);
    }
  });
});

describe("the audit log", () => {
  it("holds every access, and administrators read and export it", async () => {
    const db = bot.app.database.db;
    const officerId = await userIdOf(officer);
    const rows = await db.select().from(auditLog).where(eq(auditLog.actorUserId, officerId));
    const actions = new Set(rows.map((r) => r.action));
    for (const a of [
      "trace.run",
      "trace.f2",
      "trace.notify",
      "trace.contacts",
      "trace.contact",
      "trace.followUp",
      "trace.enroll",
      "trace.confirm",
      "stats.view",
    ])
      expect(actions).toContain(a);
    const refused = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.actorUserId, await userIdOf(other)));
    expect(refused.map((r) => r.action)).toContain("trace.refused");
    expect(said(officer, await officer.command("audit"))).toContain("not allowed");
    const listed = await admin.command("audit", "actor 0913007001");
    expect(said(admin, listed)).toContain("trace.run");
    const exported = await admin.press("⬇️ Export CSV");
    const csv = parseCsv(documentsSince(admin, exported)[0]!.bytes.toString("utf8"));
    expect(new Set(csv.slice(1).map((r) => r[3]))).toEqual(actions);
  });
});

describe("retention", () => {
  it("removes exactly what is past its age when the daily job runs", async () => {
    const db = bot.app.database.db;
    // Eleven days on: the registrations' update ids are past 7 days, the fifth day's are not; no visit of
    // the town is past 21 days, three older ones are; one closed group is past 14 days, one is not.
    const at = new Date(firstDay.getTime() + 11 * DAY);
    const old = new Date(firstDay.getTime() - 25 * DAY);
    await db.insert(visits).values(
      [0, 1, 2].map((i) => ({
        checkpointId: town.places.get("School")!.id,
        visitorKey: `w:+8491301000${i}`,
        visitorName: "Old visitor",
        visitorPhone: `+8491301000${i}`,
        method: "staff_manual" as const,
        checkedInAt: old,
        autoCheckoutAt: new Date(old.getTime() + 4 * 3600_000),
        checkedOutAt: new Date(old.getTime() + 3600_000),
        endedHow: "manual" as const,
      })),
    );
    const group = (closedDaysAgo: number) => ({
      kind: "home" as const,
      name: `Closed ${closedDaysAgo}`,
      place: "x",
      startsOn: "2021-07-01",
      endsOn: "2021-07-15",
      windows: [{ from: 420, to: 600 }],
      closedAt: new Date(at.getTime() - closedDaysAgo * DAY),
    });
    await db.insert(monitoringGroups).values([group(15), group(13)]);
    const allVisits = await db.select({ at: visits.checkedInAt }).from(visits);
    const updates = await db.select({ at: processedUpdates.processedAt }).from(processedUpdates);
    const wantVisits = allVisits.filter((v) => v.at < new Date(at.getTime() - 21 * DAY)).length;
    const wantUpdates = updates.filter((u) => u.at < new Date(at.getTime() - 7 * DAY)).length;
    expect(wantVisits).toBe(3);
    expect(wantUpdates).toBeGreaterThan(0);
    expect(wantUpdates).toBeLessThan(updates.length);
    await bot.app.background!.scheduler.runNow("retention", at);
    expect((await db.select().from(visits)).length).toBe(allVisits.length - wantVisits);
    expect((await db.select().from(processedUpdates)).length).toBe(updates.length - wantUpdates);
    const left = await db
      .select({ name: monitoringGroups.name })
      .from(monitoringGroups)
      .where(inArray(monitoringGroups.name, ["Closed 15", "Closed 13"]));
    expect(left.map((g) => g.name)).toEqual(["Closed 13"]);
    const line = bot.logs.find((l) => l.includes("retention: removed"));
    expect(JSON.parse(line!).removed).toMatchObject({
      visits: wantVisits,
      processedUpdates: wantUpdates,
      monitoringGroups: 1,
    });
  });
});
