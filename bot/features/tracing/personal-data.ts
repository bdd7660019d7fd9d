import { eq, inArray, or, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { traceContacts, traces } from "../../../db/schema/index.js";

export interface TraceOwner {
  userId: number;
  personIds: number[];
  /** The visit keys that named them ("u:<user>", "p:<person>", "w:<phone>"). */
  visitorKeys: string[];
}

function contactOf(o: TraceOwner): SQL {
  const parts: SQL[] = [eq(traceContacts.userId, o.userId)];
  if (o.personIds.length) parts.push(inArray(traceContacts.personId, o.personIds));
  if (o.visitorKeys.length) parts.push(inArray(traceContacts.visitorKey, o.visitorKeys));
  return or(...parts) as SQL;
}

function caseOf(o: TraceOwner): SQL {
  const parts: SQL[] = [eq(traces.caseUserId, o.userId)];
  if (o.personIds.length) parts.push(inArray(traces.casePersonId, o.personIds));
  return or(...parts) as SQL;
}

/** That someone was traced and when: as a case, or as an F1/F2 contact; never who else was found. */
export interface TraceAppearance {
  as: "case" | "contact";
  degree: number | null;
  at: Date;
  placeName: string | null;
}

export async function traceAppearancesOf(db: DbOrTx, o: TraceOwner): Promise<TraceAppearance[]> {
  const asCase = await db.select({ at: traces.createdAt }).from(traces).where(caseOf(o));
  const asContact = await db
    .select({ at: traces.createdAt, degree: traceContacts.degree, placeName: traceContacts.placeName })
    .from(traceContacts)
    .innerJoin(traces, eq(traces.id, traceContacts.traceId))
    .where(contactOf(o));
  return [
    ...asCase.map((r) => ({ as: "case" as const, degree: null, at: r.at, placeName: null })),
    ...asContact.map((r) => ({ as: "contact" as const, degree: r.degree, at: r.at, placeName: r.placeName })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
}

export interface TracingErased {
  /** Rows naming them as a contact, deleted. */
  contacts: number;
  /** Traces in which they were the case: their name and links removed; the contacts found stay for follow-up. */
  asCase: number;
}

export async function eraseTraceAppearances(db: DbOrTx, o: TraceOwner): Promise<TracingErased> {
  const contacts = await db.delete(traceContacts).where(contactOf(o)).returning({ id: traceContacts.id });
  const cases = await db
    .update(traces)
    .set({ caseName: "", caseUserId: null, casePersonId: null, caseKeys: [] })
    .where(caseOf(o))
    .returning({ id: traces.id });
  return { contacts: contacts.length, asCase: cases.length };
}
