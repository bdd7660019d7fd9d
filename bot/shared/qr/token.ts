import { sign, verify } from "node:crypto";
import { base45Decode, base45Encode } from "./base45.js";
import type { Keyring, SigningKey } from "./signing-keys.js";

/**
 * A personal QR token, binary then Base45 behind a short prefix:
 *   version(1) keyId(4) subject(10) declarationId(6) issuedAt(4) expiresAt(4) | Ed25519 signature(64)
 * 93 bytes → 143 characters in the QR alphanumeric set: QR version 6 at error correction M. Times are Unix
 * seconds; the subject is the person's opaque random id (people.subject_id), so nothing in it names anyone.
 */
export const TOKEN_PREFIX = "HD:";
export const TOKEN_VERSION = 1;
export const SUBJECT_BYTES = 10;
const BODY = 1 + 4 + SUBJECT_BYTES + 6 + 4 + 4;
const SIGNATURE = 64;

export interface QrClaims {
  /** people.subject_id (base64url of SUBJECT_BYTES random bytes). */
  subject: string;
  declarationId: number;
  issuedAt: Date;
  expiresAt: Date;
}

export type QrRejection = "malformed" | "bad_signature" | "unknown_key" | "expired" | "superseded";

export type QrVerification = ({ ok: true } & QrClaims) | { ok: false; reason: QrRejection };

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

export function signQrToken(claims: QrClaims, key: SigningKey): string {
  const subject = Buffer.from(claims.subject, "base64url");
  if (subject.length !== SUBJECT_BYTES) throw new Error(`subject must be ${SUBJECT_BYTES} bytes`);
  const body = Buffer.alloc(BODY);
  body.writeUInt8(TOKEN_VERSION, 0);
  Buffer.from(key.keyId, "hex").copy(body, 1);
  subject.copy(body, 5);
  body.writeUIntBE(claims.declarationId, 5 + SUBJECT_BYTES, 6);
  body.writeUInt32BE(seconds(claims.issuedAt), 11 + SUBJECT_BYTES);
  body.writeUInt32BE(seconds(claims.expiresAt), 15 + SUBJECT_BYTES);
  const signature = sign(null, body, key.privateKey);
  return TOKEN_PREFIX + base45Encode(Buffer.concat([body, signature]));
}

/**
 * Checks a scanned token offline: its shape, its key, its signature, its expiry and — when `isCurrent` is
 * given — that no newer declaration replaced it. Reasons come in that order.
 */
export function verifyQrToken(
  token: string,
  opts: { keys: Keyring; now: Date; isCurrent?: (subject: string, declarationId: number) => boolean },
): QrVerification {
  const text = token.trim();
  if (!text.startsWith(TOKEN_PREFIX) || text.length > 400) return { ok: false, reason: "malformed" };
  const decoded = base45Decode(text.slice(TOKEN_PREFIX.length));
  if (!decoded || decoded.length !== BODY + SIGNATURE) return { ok: false, reason: "malformed" };
  const bytes = Buffer.from(decoded);
  if (bytes.readUInt8(0) !== TOKEN_VERSION) return { ok: false, reason: "malformed" };
  const body = bytes.subarray(0, BODY);
  const publicKey = opts.keys.get(body.subarray(1, 5).toString("hex"));
  if (!publicKey) return { ok: false, reason: "unknown_key" };
  if (!verify(null, body, publicKey, bytes.subarray(BODY))) return { ok: false, reason: "bad_signature" };
  const claims: QrClaims = {
    subject: body.subarray(5, 5 + SUBJECT_BYTES).toString("base64url"),
    declarationId: body.readUIntBE(5 + SUBJECT_BYTES, 6),
    issuedAt: new Date(body.readUInt32BE(11 + SUBJECT_BYTES) * 1000),
    expiresAt: new Date(body.readUInt32BE(15 + SUBJECT_BYTES) * 1000),
  };
  if (opts.now.getTime() >= claims.expiresAt.getTime()) return { ok: false, reason: "expired" };
  if (opts.isCurrent && !opts.isCurrent(claims.subject, claims.declarationId))
    return { ok: false, reason: "superseded" };
  return { ok: true, ...claims };
}
