import { and, asc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { checkpoints, people, traceContacts, users } from "../../../db/schema/index.js";
import { holdersOf } from "./case.js";
import { contactWindow, type Exposure } from "./query.js";

type Contact = typeof traceContacts.$inferSelect;

/** A contact row before it is stored: the first exposure, and how often and how long they met. */
export type ContactDraft = Omit<
  typeof traceContacts.$inferInsert,
  "id" | "traceId" | "followUp" | "followUpAt" | "followUpBy" | "notifiedAt"
>;

/** "Building › Floor 2": each checkpoint's name, prefixed by its parents'. */
export async function placeNames(db: DbOrTx, ids: number[]): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  const known = new Map<number, { name: string; parentId: number | null }>();
  let wanted = [...new Set(ids)];
  for (let depth = 0; wanted.length > 0 && depth < 8; depth++) {
    const rows = await db
      .select({ id: checkpoints.id, name: checkpoints.name, parentId: checkpoints.parentId })
      .from(checkpoints)
      .where(inArray(checkpoints.id, wanted));
    for (const r of rows) known.set(r.id, r);
    wanted = rows.flatMap((r) => (r.parentId !== null && !known.has(r.parentId) ? [r.parentId] : []));
  }
  for (const id of new Set(ids)) {
    const parts: string[] = [];
    let at = known.get(id);
    for (let i = 0; at && i < 8; i++) {
      parts.unshift(at.name);
      at = at.parentId === null ? undefined : known.get(at.parentId);
    }
    names.set(id, parts.join(" › "));
  }
  return names;
}

interface Who {
  userId: number | null;
  personId: number | null;
  name: string;
  phone: string | null;
}

/** Names, phones and the account to reach, for each contact's visitor key. */
async function whoAre(db: DbOrTx, exposures: Exposure[]): Promise<Map<string, Who>> {
  const keys = [...new Set(exposures.map((e) => e.contactKey))];
  const userIds = keys.filter((k) => k.startsWith("u:")).map((k) => Number(k.slice(2)));
  const personIds = keys.filter((k) => k.startsWith("p:")).map((k) => Number(k.slice(2)));
  const walkIns = keys.filter((k) => k.startsWith("w:")).map((k) => k.slice(2));
  const holders = await holdersOf(db, personIds);
  const accounts = [...userIds, ...holders.values()];
  const phoneRows = accounts.length
    ? await db.select({ id: users.id, phone: users.phone }).from(users).where(inArray(users.id, accounts))
    : [];
  const phones = new Map(phoneRows.map((r) => [r.id, r.phone]));
  const selfRows = userIds.length
    ? await db
        .select({ userId: people.userId, name: people.fullName })
        .from(people)
        .where(and(inArray(people.userId, userIds), eq(people.kind, "self")))
    : [];
  const selfNames = new Map(selfRows.map((r) => [r.userId, r.name]));
  const personRows = personIds.length
    ? await db
        .select({ id: people.id, name: people.fullName })
        .from(people)
        .where(inArray(people.id, personIds))
    : [];
  const personNames = new Map(personRows.map((r) => [r.id, r.name]));
  // Someone checked in by staff who has registered since can be told by chat.
  const registered = walkIns.length
    ? await db.select({ id: users.id, phone: users.phone }).from(users).where(inArray(users.phone, walkIns))
    : [];
  const byPhone = new Map(registered.map((r) => [r.phone, r.id]));
  const out = new Map<string, Who>();
  for (const e of exposures) {
    if (out.has(e.contactKey)) continue;
    const id = Number(e.contactKey.slice(2));
    if (e.contactKey.startsWith("u:"))
      out.set(e.contactKey, {
        userId: id,
        personId: null,
        name: selfNames.get(id) ?? "",
        phone: phones.get(id) ?? null,
      });
    else if (e.contactKey.startsWith("p:")) {
      const holder = holders.get(id) ?? null;
      out.set(e.contactKey, {
        userId: holder,
        personId: id,
        name: personNames.get(id) ?? "",
        phone: holder === null ? null : (phones.get(holder) ?? null),
      });
    } else {
      const phone = e.contactKey.slice(2);
      out.set(e.contactKey, {
        userId: byPhone.get(phone) ?? null,
        personId: null,
        name: e.visitorName ?? "",
        phone: e.visitorPhone ?? phone,
      });
    }
  }
  return out;
}

/**
 * One draft per contact: the first exposure (earliest), how many there were and their total overlap.
 * `via` maps an F1's visitor key to its contact id, for F2 drafts.
 */
export async function draftContacts(
  db: DbOrTx,
  exposures: Exposure[],
  degree: 1 | 2,
  places: Map<number, string>,
  via: Map<string, number>,
): Promise<ContactDraft[]> {
  const who = await whoAre(db, exposures);
  const byKey = new Map<string, Exposure[]>();
  for (const e of exposures) byKey.set(e.contactKey, [...(byKey.get(e.contactKey) ?? []), e]);
  const drafts: ContactDraft[] = [];
  for (const [key, list] of byKey) {
    const windows = list.map((e) => ({ e, w: contactWindow(e) }));
    windows.sort((a, b) => a.w.from.getTime() - b.w.from.getTime());
    const first = windows[0]!;
    const w = who.get(key)!;
    drafts.push({
      degree,
      visitorKey: key,
      userId: w.userId,
      personId: w.personId,
      name: w.name,
      phone: w.phone,
      viaContactId: degree === 2 ? (via.get(first.e.sourceKey) ?? null) : null,
      checkpointId: first.e.checkpointId,
      placeName: places.get(first.e.checkpointId) ?? "",
      exposedAt: first.w.from,
      exposureEnd: first.w.to,
      overlapMinutes: windows.reduce((n, x) => n + x.w.overlapMinutes, 0),
      exposures: list.length,
    });
  }
  return drafts;
}

/** The contacts of a trace, F1 then F2, each by first exposure. */
export async function contactsOf(db: DbOrTx, traceId: number): Promise<Contact[]> {
  return db
    .select()
    .from(traceContacts)
    .where(eq(traceContacts.traceId, traceId))
    .orderBy(asc(traceContacts.degree), asc(traceContacts.exposedAt), asc(traceContacts.id));
}
