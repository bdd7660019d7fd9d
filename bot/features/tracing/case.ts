import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { people, users, visits } from "../../../db/schema/index.js";
import { coveringScope, type OfficerScope, type Place, residenceOf } from "../../shared/officer-scope.js";
import { findPeopleByIdNumber, type Person, personBySubject } from "../../shared/people.js";
import type { Keyring } from "../../shared/qr/signing-keys.js";
import { verifyQrToken } from "../../shared/qr/token.js";
import type { Scope } from "../../shared/roles.js";

/** How an officer names the case: a phone number (E.164), an ID number, or the text of their personal QR. */
export type CaseQuery =
  | { by: "phone"; phone: string }
  | { by: "id"; idNumber: string; hashKey: Buffer }
  | { by: "qr"; token: string; keys: Keyring };

/** A person the query names, with every visitor key their visits may carry. */
export interface CaseCandidate {
  personId: number | null;
  /** The account holding them (their own, or their guardian's). */
  userId: number | null;
  name: string;
  birthYear: number | null;
  keys: string[];
  residence: Place | null;
}

/** The case as traced: the candidates inside the officer's scope, merged (the same human). */
export interface TraceCase extends CaseCandidate {
  scope: Scope;
}

const personKey = (p: Person) => (p.kind === "self" ? `u:${p.userId}` : `p:${p.id}`);

async function fromPerson(db: DbOrTx, p: Person): Promise<CaseCandidate> {
  return {
    personId: p.id,
    userId: p.userId,
    name: p.fullName,
    birthYear: p.birthYear,
    keys: [personKey(p)],
    residence: await residenceOf(db, p.id),
  };
}

async function byPhone(db: DbOrTx, phone: string): Promise<CaseCandidate[]> {
  const accounts = await db.select({ id: users.id }).from(users).where(eq(users.phone, phone));
  const out: CaseCandidate[] = [];
  for (const a of accounts) {
    const [self] = await db
      .select()
      .from(people)
      .where(and(eq(people.userId, a.id), eq(people.kind, "self")));
    // Staff may have checked them in by name and phone before they registered: those visits count too.
    const keys = [`u:${a.id}`, `w:${phone}`];
    if (self) out.push({ ...(await fromPerson(db, self)), keys });
    else out.push({ personId: null, userId: a.id, name: "", birthYear: null, keys, residence: null });
  }
  if (out.length > 0) return out;
  // Only ever checked in by staff: known by the name they gave, nowhere declared (administrators only).
  const [walkIn] = await db
    .select({ name: visits.visitorName })
    .from(visits)
    .where(and(eq(visits.visitorKey, `w:${phone}`), isNull(visits.userId)))
    .orderBy(desc(visits.checkedInAt))
    .limit(1);
  return walkIn
    ? [
        {
          personId: null,
          userId: null,
          name: walkIn.name ?? "",
          birthYear: null,
          keys: [`w:${phone}`],
          residence: null,
        },
      ]
    : [];
}

/**
 * The people a query names. A personal QR identifies its person by its signature alone: an expired or
 * replaced code still names the same person, which is what tracing needs (it grants nothing).
 */
export async function caseCandidates(db: DbOrTx, q: CaseQuery): Promise<CaseCandidate[]> {
  if (q.by === "phone") return byPhone(db, q.phone);
  if (q.by === "id") {
    const found = await findPeopleByIdNumber(db, q.hashKey, q.idNumber);
    return Promise.all(found.map((p) => fromPerson(db, p)));
  }
  const checked = verifyQrToken(q.token, { keys: q.keys, now: new Date(0) });
  if (!checked.ok) return [];
  const person = await personBySubject(db, checked.subject);
  return person ? [await fromPerson(db, person)] : [];
}

/**
 * The case an officer may trace: the candidates living inside their scope, merged; null when there is none
 * (whether nobody matched or everybody lives elsewhere, the officer is told the same).
 */
export function caseInScope(officer: OfficerScope, candidates: CaseCandidate[]): TraceCase | null {
  const visible = candidates.flatMap((c) => {
    const scope = coveringScope(officer, c.residence ?? { provinceCode: null, communeCode: null });
    return scope ? [{ ...c, scope }] : [];
  });
  const [first] = visible;
  if (!first) return null;
  return { ...first, keys: [...new Set(visible.flatMap((c) => c.keys))] };
}

/** The accounts of people (self or dependents): whom to tell, whose data it is. */
export async function holdersOf(db: DbOrTx, personIds: number[]): Promise<Map<number, number>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .select({ id: people.id, userId: people.userId })
    .from(people)
    .where(inArray(people.id, [...new Set(personIds)]));
  return new Map(rows.map((r) => [r.id, r.userId]));
}
