import { asc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { declarationDrafts, declarations, people, users } from "../../../db/schema/index.js";
import { listPeople, type Person } from "../../shared/people.js";
import { countDeclarations, type Declaration, latestDeclaration } from "./declarations.js";

export interface MyData {
  phone: string | null;
  phoneVerifiedAt: Date | null;
  lang: string | null;
  people: { person: Person; declarations: number; latest: Declaration | null }[];
  drafts: number;
}

/** Every declaration of these people, oldest first, with the answers as given. */
export async function declarationsOf(db: DbOrTx, personIds: number[]): Promise<Declaration[]> {
  if (personIds.length === 0) return [];
  return db
    .select()
    .from(declarations)
    .where(inArray(declarations.personId, personIds))
    .orderBy(asc(declarations.declaredAt));
}

/** Everything this feature holds about an account: its phone, its people and their declarations, its drafts. */
export async function collectMyData(db: DbOrTx, userId: number): Promise<MyData> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  const list = await listPeople(db, userId);
  const counts = await countDeclarations(
    db,
    list.map((p) => p.id),
  );
  const withLatest = await Promise.all(
    list.map(async (person) => ({
      person,
      declarations: counts.get(person.id) ?? 0,
      latest: await latestDeclaration(db, person.id),
    })),
  );
  const drafts = await db
    .select({ s: declarationDrafts.subject })
    .from(declarationDrafts)
    .where(eq(declarationDrafts.userId, userId));
  return {
    phone: user?.phone ?? null,
    phoneVerifiedAt: user?.phoneVerifiedAt ?? null,
    lang: user?.lang ?? null,
    people: withLatest,
    drafts: drafts.length,
  };
}

export interface Erased {
  declarations: number;
  dependents: number;
  /** The account holder's own person record (name, birth year, hashed ID number). */
  self: boolean;
  drafts: number;
  phone: boolean;
}

/**
 * Erases what this feature holds for the account: declarations, dependents, the person record, drafts, and
 * the phone number and name on the account. The account row stays (it is how the chat reaches the bot).
 * Run after the other features' erasure: their rows find the person by the ids and phone erased here.
 */
export async function eraseMyData(db: DbOrTx, userId: number): Promise<Erased> {
  const gone = await db
    .delete(declarations)
    .where(eq(declarations.userId, userId))
    .returning({ id: declarations.id });
  const removed = await db.delete(people).where(eq(people.userId, userId)).returning({ kind: people.kind });
  const drafts = await db
    .delete(declarationDrafts)
    .where(eq(declarationDrafts.userId, userId))
    .returning({ s: declarationDrafts.subject });
  const [before] = await db.select({ phone: users.phone }).from(users).where(eq(users.id, userId));
  await db
    .update(users)
    .set({ phone: null, phoneVerifiedAt: null, displayName: null })
    .where(eq(users.id, userId));
  return {
    declarations: gone.length,
    dependents: removed.filter((r) => r.kind === "dependent").length,
    self: removed.some((r) => r.kind === "self"),
    drafts: drafts.length,
    phone: Boolean(before?.phone),
  };
}
