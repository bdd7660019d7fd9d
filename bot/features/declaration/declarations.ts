import { and, count, desc, eq, exists, gt, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../../db/client.js";
import { type Param, ts } from "../../../db/compiled.js";
import { declarations, people } from "../../../db/schema/index.js";
import { isMasked, maskNumber, normalizeIdNumber } from "../../shared/id-hash.js";
import {
  draftSubject,
  getPerson,
  type Identity,
  type Person,
  updateIdentity,
  upsertSelf,
} from "../../shared/people.js";
import { deriveStatus, type Status } from "./answers.js";
import { deleteDraft } from "./drafts.js";
import type { Answers, CommuneAnswer } from "./form.js";

export type Declaration = typeof declarations.$inferSelect;

export const DAY_MS = 24 * 3600 * 1000;

export interface NewDeclaration {
  userId: number;
  /** null: the account holder; else one of their dependents. */
  personId: number | null;
  formVersion: number;
  answers: Answers;
  now: Date;
  validDays: number;
  hashKey: Buffer;
}

/** The identity a declaration states; a masked ID number means "the one already held". */
function identityOf(a: Answers): Identity {
  const id = a.idNumber;
  return {
    fullName: String(a.fullName ?? ""),
    birthYear: typeof a.birthYear === "number" ? a.birthYear : null,
    idNumber: typeof id === "string" ? (isMasked(id) ? undefined : id) : null,
  };
}

/** Numbers that identify someone are kept masked in the answers; the ID number lives hashed on the person. */
function storedAnswers(a: Answers): Answers {
  const out = { ...a };
  for (const k of ["idNumber", "insuranceNo"]) {
    const v = out[k];
    if (typeof v === "string" && !isMasked(v)) out[k] = maskNumber(normalizeIdNumber(v));
  }
  return out;
}

/**
 * Stores a completed declaration: updates the person's identity (creating the account holder's person on
 * their first one), derives the status, sets validity and clears the draft. Null when `personId` is not a
 * dependent of this account.
 */
export async function saveDeclaration(
  db: DbOrTx,
  d: NewDeclaration,
): Promise<{ declaration: Declaration; person: Person } | null> {
  const identity = identityOf(d.answers);
  let person: Person;
  if (d.personId === null) person = await upsertSelf(db, d.userId, d.hashKey, identity, d.now);
  else {
    const found = await getPerson(db, d.userId, d.personId);
    if (!found) return null;
    person = await updateIdentity(db, found.id, d.hashKey, identity, d.now);
  }
  const commune = d.answers.commune as CommuneAnswer | undefined;
  const [declaration] = await db
    .insert(declarations)
    .values({
      personId: person.id,
      userId: d.userId,
      formVersion: d.formVersion,
      answers: storedAnswers(d.answers),
      status: deriveStatus(d.answers),
      declaredAt: d.now,
      validUntil: new Date(d.now.getTime() + d.validDays * DAY_MS),
      provinceCode: typeof d.answers.province === "string" ? d.answers.province : null,
      communeCode: commune?.code ?? null,
    })
    .returning();
  if (!declaration) throw new Error("declaration insert returned nothing");
  await deleteDraft(db, d.userId, draftSubject(d.personId));
  return { declaration, person };
}

/** A person's newest declaration (a later one supersedes the earlier ones, whatever their validity). */
export async function latestDeclaration(db: DbOrTx, personId: number): Promise<Declaration | null> {
  const [row] = await db
    .select()
    .from(declarations)
    .where(eq(declarations.personId, personId))
    .orderBy(desc(declarations.declaredAt), desc(declarations.id))
    .limit(1);
  return row ?? null;
}

export async function countDeclarations(db: DbOrTx, personIds: number[]): Promise<Map<number, number>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .select({ personId: declarations.personId, n: count() })
    .from(declarations)
    .where(inArray(declarations.personId, personIds))
    .groupBy(declarations.personId);
  return new Map(rows.map((r) => [r.personId, Number(r.n)]));
}

/**
 * A boolean SQL expression, to read along with something else in one statement: whether the account holder's
 * latest declaration is still valid at `now` (what `latestDeclaration` and `isValidAt` say of their self person).
 */
export function selfDeclaredValidSql(userId: Param<number>, now: Param<Date>): SQL<boolean> {
  return sql<boolean>`coalesce((
    select d.valid_until > ${ts(now)}
    from ${people} p
    cross join lateral (
      select valid_until from ${declarations} d0
      where d0.person_id = p.id order by d0.declared_at desc, d0.id desc limit 1
    ) d
    where p.user_id = ${userId} and p.kind = 'self' limit 1), false)`;
}

export function isValidAt(d: Pick<Declaration, "validUntil">, now: Date): boolean {
  return now.getTime() < d.validUntil.getTime();
}

export type { Status };

/**
 * Deletes declarations that ended before `before`: expired (valid until then) or replaced by a newer one of
 * the same person declared before then. The current, valid declaration of anyone always stays.
 */
export async function purgeDeclarations(db: DbOrTx, before: Date): Promise<number> {
  const newer = alias(declarations, "newer");
  const gone = await db
    .delete(declarations)
    .where(
      or(
        lt(declarations.validUntil, before),
        exists(
          db
            .select({ one: sql`1` })
            .from(newer)
            .where(
              and(
                eq(newer.personId, declarations.personId),
                gt(newer.declaredAt, declarations.declaredAt),
                lt(newer.declaredAt, before),
              ),
            ),
        ),
      ),
    )
    .returning({ id: declarations.id });
  return gone.length;
}
