import { generateKeyPairSync } from "node:crypto";
import QRCode from "qrcode";
import { describe, expect, it } from "vitest";
import { newSubjectId } from "../../../bot/shared/people.js";
import { base45Decode, base45Encode } from "../../../bot/shared/qr/base45.js";
import {
  generateSeed,
  parseSigningKey,
  SigningKeyError,
  signingKeyFrom,
} from "../../../bot/shared/qr/signing-keys.js";
import { type QrClaims, signQrToken, TOKEN_PREFIX, verifyQrToken } from "../../../bot/shared/qr/token.js";

const key = signingKeyFrom(parseSigningKey(generateSeed()));
const other = signingKeyFrom(parseSigningKey(generateSeed()));
const keys = new Map([[key.keyId, key.publicKey]]);
const now = new Date("2026-11-26T03:00:00Z");
const claims: QrClaims = {
  subject: newSubjectId(),
  declarationId: 123_456,
  issuedAt: new Date("2026-11-25T03:00:00Z"),
  expiresAt: new Date("2026-12-02T03:00:00Z"),
};

/** The token with one byte of its signed part changed, signature kept. */
function tamper(token: string, at: number): string {
  const bytes = base45Decode(token.slice(TOKEN_PREFIX.length))!;
  bytes[at] = bytes[at]! ^ 0x01;
  return TOKEN_PREFIX + base45Encode(bytes);
}

describe("personal QR token", () => {
  const token = signQrToken(claims, key);

  it("verifies and gives back the claims, to the second", () => {
    expect(verifyQrToken(token, { keys, now })).toEqual({ ok: true, ...claims });
  });

  it("names no one and fits a low-density QR (version ≤ 10 at level M)", () => {
    expect(token).toMatch(/^HD:[0-9A-Z $%*+\-./:]+$/);
    expect(token.length).toBeLessThanOrEqual(150);
    const qr = QRCode.create(token, { errorCorrectionLevel: "M" });
    expect(qr.version).toBeLessThanOrEqual(10);
    expect(qr.version).toBe(6);
  });

  it.each([
    ["the subject", 6],
    ["the declaration id", 20],
    ["the expiry", 26],
  ])("rejects a tampered payload (%s) as bad_signature", (_what, at) => {
    expect(verifyQrToken(tamper(token, at), { keys, now })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("rejects a token signed by a key it does not know as unknown_key", () => {
    expect(verifyQrToken(signQrToken(claims, other), { keys, now })).toEqual({
      ok: false,
      reason: "unknown_key",
    });
  });

  it("rejects a token signed by another key under a known key id as bad_signature", () => {
    const forged = signQrToken(claims, { ...other, keyId: key.keyId });
    expect(verifyQrToken(forged, { keys, now })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("rejects an expired token as expired", () => {
    expect(verifyQrToken(token, { keys, now: claims.expiresAt })).toEqual({ ok: false, reason: "expired" });
  });

  it("rejects a superseded token when told which declaration is current", () => {
    const isCurrent = (subject: string, id: number) => subject === claims.subject && id === 999_999;
    expect(verifyQrToken(token, { keys, now, isCurrent })).toEqual({ ok: false, reason: "superseded" });
    expect(verifyQrToken(token, { keys, now, isCurrent: () => true }).ok).toBe(true);
  });

  it.each(["", "hello", "HD:", `HD:${"A".repeat(139)}`, token.slice(0, -3), `XX${token.slice(2)}`, "HD:ab"])(
    "rejects %j as malformed",
    (bad) => {
      expect(verifyQrToken(bad, { keys, now })).toEqual({ ok: false, reason: "malformed" });
    },
  );
});

describe("Base45 (RFC 9285 examples)", () => {
  it.each([
    ["AB", "BB8"],
    ["Hello!!", "%69 VD92EX0"],
    ["base-45", "UJCLQE7W581"],
    ["ietf!", "QED8WEX0"],
  ])("%s ⇄ %s", (plain, encoded) => {
    expect(base45Encode(Buffer.from(plain))).toBe(encoded);
    expect(Buffer.from(base45Decode(encoded)!).toString()).toBe(plain);
  });
  it("refuses invalid text", () => {
    expect(base45Decode("GGW")).toBeNull();
    expect(base45Decode("a")).toBeNull();
  });
});

describe("QR_SIGNING_KEY", () => {
  const { privateKey } = generateKeyPairSync("ed25519");
  const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  const seed = privateKey.export({ format: "jwk" }).d!;

  it("accepts a PKCS#8 PEM, or the seed in base64url or base64, as the same key", () => {
    const ids = [pem, seed, Buffer.from(seed, "base64url").toString("base64")].map(
      (k) => signingKeyFrom(parseSigningKey(k)).keyId,
    );
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}$/);
  });

  it.each([
    "not a key",
    Buffer.alloc(31).toString("base64"),
    generateKeyPairSync("ec", { namedCurve: "P-256" })
      .privateKey.export({ format: "pem", type: "pkcs8" })
      .toString(),
  ])("refuses %#", (bad) => {
    expect(() => parseSigningKey(bad)).toThrow(SigningKeyError);
  });
});
