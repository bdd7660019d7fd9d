import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { users } from "../../../db/schema/index.js";
import { type Person, personBySubject } from "../../shared/people.js";
import type { Keyring, SigningKey } from "../../shared/qr/signing-keys.js";
import { type QrRejection, signQrToken, verifyQrToken } from "../../shared/qr/token.js";
import type { Status } from "./answers.js";
import { type Declaration, latestDeclaration } from "./declarations.js";

/**
 * The token of a person's declaration. Issued at the declaration time and valid until its end, so asking
 * for it again (/qr) gives the very same code (Ed25519 signatures are deterministic).
 */
export function personalQrToken(
  person: Pick<Person, "subjectId">,
  declaration: Pick<Declaration, "id" | "declaredAt" | "validUntil">,
  key: SigningKey,
): string {
  return signQrToken(
    {
      subject: person.subjectId,
      declarationId: declaration.id,
      issuedAt: declaration.declaredAt,
      expiresAt: declaration.validUntil,
    },
    key,
  );
}

export type PersonalQrCheck =
  | {
      ok: true;
      person: Person;
      /** The phone of the account that holds this person (their own, or their guardian's). */
      phone: string | null;
      declaration: Declaration;
      status: Status;
      issuedAt: Date;
      expiresAt: Date;
    }
  /** "revoked": the token is genuine but the person or the declaration was erased (/delete). */
  | { ok: false; reason: QrRejection | "revoked" };

/**
 * What a checkpoint learns from a scanned personal QR: checked offline first (shape, key, signature, expiry),
 * then against the database: the person must still exist and this must be their newest declaration.
 */
export async function verifyPersonalQr(
  db: DbOrTx,
  keys: Keyring,
  token: string,
  now: Date,
): Promise<PersonalQrCheck> {
  const checked = verifyQrToken(token, { keys, now });
  if (!checked.ok) return checked;
  const person = await personBySubject(db, checked.subject);
  if (!person) return { ok: false, reason: "revoked" };
  const latest = await latestDeclaration(db, person.id);
  if (!latest) return { ok: false, reason: "revoked" };
  if (latest.id !== checked.declarationId) {
    return { ok: false, reason: latest.id > checked.declarationId ? "superseded" : "revoked" };
  }
  const [holder] = await db.select({ phone: users.phone }).from(users).where(eq(users.id, person.userId));
  return {
    ok: true,
    person,
    phone: holder?.phone ?? null,
    declaration: latest,
    status: latest.status,
    issuedAt: checked.issuedAt,
    expiresAt: checked.expiresAt,
  };
}
