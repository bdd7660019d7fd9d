import { randomBytes } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { declarationDrafts, people } from "../../db/schema/index.js";
import { hashIdNumber, maskNumber, normalizeIdNumber } from "./id-hash.js";
import { SUBJECT_BYTES } from "./qr/token.js";

export type Person = typeof people.$inferSelect;

export const newSubjectId = () => randomBytes(SUBJECT_BYTES).toString("base64url");

/** The draft key of a person: "self" for the account holder, "p<id>" for a dependent. */
export const draftSubject = (personId: number | null) => (personId === null ? "self" : `p${personId}`);

export async function selfPerson(db: DbOrTx, userId: number): Promise<Person | null> {
  const [row] = await db
    .select()
    .from(people)
    .where(and(eq(people.userId, userId), eq(people.kind, "self")));
  return row ?? null;
}

/** A person this account may declare for (itself or one of its dependents), or null. */
export async function getPerson(db: DbOrTx, userId: number, personId: number): Promise<Person | null> {
  const [row] = await db
    .select()
    .from(people)
    .where(and(eq(people.userId, userId), eq(people.id, personId)));
  return row ?? null;
}

/** The account holder first, then dependents in the order they were added. */
export async function listPeople(db: DbOrTx, userId: number): Promise<Person[]> {
  return db
    .select()
    .from(people)
    .where(eq(people.userId, userId))
    .orderBy(sql`${people.kind} <> 'self'`, asc(people.id));
}

export async function personBySubject(db: DbOrTx, subjectId: string): Promise<Person | null> {
  const [row] = await db.select().from(people).where(eq(people.subjectId, subjectId));
  return row ?? null;
}

/** People whose ID number is this one (tracing, check-in by ID), through its keyed hash. */
export async function findPeopleByIdNumber(db: DbOrTx, hashKey: Buffer, idNumber: string): Promise<Person[]> {
  return db
    .select()
    .from(people)
    .where(eq(people.idNumberHash, hashIdNumber(hashKey, idNumber)));
}

export interface Identity {
  fullName: string;
  birthYear: number | null;
  /** Clear ID number to hash; null clears it; undefined keeps the one held. */
  idNumber?: string | null;
}

function identityColumns(hashKey: Buffer, id: Identity, now: Date) {
  const idCols =
    id.idNumber === undefined
      ? {}
      : id.idNumber === null
        ? { idNumberHash: null, idNumberMasked: null }
        : {
            idNumberHash: hashIdNumber(hashKey, id.idNumber),
            idNumberMasked: maskNumber(normalizeIdNumber(id.idNumber)),
          };
  return { fullName: id.fullName, birthYear: id.birthYear, updatedAt: now, ...idCols };
}

/** The account holder's own person row, created with their first declaration and kept up to date. */
export async function upsertSelf(
  db: DbOrTx,
  userId: number,
  hashKey: Buffer,
  id: Identity,
  now: Date,
): Promise<Person> {
  const values = identityColumns(hashKey, id, now);
  const [row] = await db
    .insert(people)
    .values({ userId, kind: "self", subjectId: newSubjectId(), ...values, createdAt: now })
    .onConflictDoUpdate({
      target: people.userId,
      targetWhere: sql`${people.kind} = 'self'`,
      set: values,
    })
    .returning();
  if (!row) throw new Error("self person upsert returned nothing");
  return row;
}

export async function updateIdentity(
  db: DbOrTx,
  personId: number,
  hashKey: Buffer,
  id: Identity,
  now: Date,
): Promise<Person> {
  const [row] = await db
    .update(people)
    .set(identityColumns(hashKey, id, now))
    .where(eq(people.id, personId))
    .returning();
  if (!row) throw new Error(`person ${personId} not found`);
  return row;
}

export async function addDependent(
  db: DbOrTx,
  userId: number,
  hashKey: Buffer,
  dependent: Identity & { relation: string },
  now: Date,
): Promise<Person> {
  const [row] = await db
    .insert(people)
    .values({
      userId,
      kind: "dependent",
      subjectId: newSubjectId(),
      relation: dependent.relation,
      createdAt: now,
      ...identityColumns(hashKey, dependent, now),
    })
    .returning();
  if (!row) throw new Error("dependent insert returned nothing");
  return row;
}

/** Removes a dependent with their declarations and draft; false when it is not this account's dependent. */
export async function removeDependent(db: DbOrTx, userId: number, personId: number): Promise<boolean> {
  const gone = await db
    .delete(people)
    .where(and(eq(people.userId, userId), eq(people.id, personId), eq(people.kind, "dependent")))
    .returning({ id: people.id });
  if (gone.length === 0) return false;
  await db
    .delete(declarationDrafts)
    .where(and(eq(declarationDrafts.userId, userId), eq(declarationDrafts.subject, draftSubject(personId))));
  return true;
}
