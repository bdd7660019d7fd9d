import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Zalo signs a webhook as `X-ZEvent-Signature: mac=<hex>` where hex = sha256(appId + rawBody + timestamp +
 * secret): a plain digest of the concatenation, not an HMAC. The timestamp is the body's `timestamp` field.
 */
export function zaloSignature(appId: string, rawBody: string, timestamp: string, secret: string): string {
  return createHash("sha256").update(`${appId}${rawBody}${timestamp}${secret}`, "utf8").digest("hex");
}

export interface SignatureCheck {
  header: string | undefined;
  rawBody: string;
  /** The body's `timestamp` (milliseconds since the epoch, as Zalo sends it). */
  timestamp: string | undefined;
  /** An `X-ZEvent-Timestamp` header, which some deliveries carry; also accepted as the signed timestamp. */
  headerTimestamp?: string;
  /** The app id, then the OA id: sources disagree on which one starts the signed string. */
  ids: string[];
  secret: string;
  now: Date;
  /** Older than this is refused, so a captured delivery cannot be replayed later. */
  maxAgeMs: number;
}

export type SignatureVerdict = { ok: true } | { ok: false; reason: "missing" | "mismatch" | "stale" };

/** A timestamp in milliseconds (Zalo's) or seconds, as a Date; undefined when it is not a number. */
export function eventTime(raw: string | undefined): Date | undefined {
  if (!raw || !/^\d{1,16}$/.test(raw)) return undefined;
  const n = Number(raw);
  return new Date(n >= 1e12 ? n : n * 1000);
}

const FUTURE_SKEW_MS = 5 * 60_000;

/** Checks the signature first, then its age; compares in constant time. */
export function verifyZaloSignature(c: SignatureCheck): SignatureVerdict {
  const mac = /^\s*(?:mac=)?([0-9a-f]{64})\s*$/i.exec(c.header ?? "")?.[1]?.toLowerCase();
  if (!mac || !c.timestamp) return { ok: false, reason: "missing" };
  const got = Buffer.from(mac, "hex");
  const stamps = [...new Set([c.timestamp, c.headerTimestamp].filter((s): s is string => Boolean(s)))];
  const matched = stamps.find((ts) =>
    c.ids.some((id) => timingSafeEqual(got, Buffer.from(zaloSignature(id, c.rawBody, ts, c.secret), "hex"))),
  );
  if (!matched) return { ok: false, reason: "mismatch" };
  const at = eventTime(matched);
  if (!at) return { ok: false, reason: "stale" };
  const age = c.now.getTime() - at.getTime();
  if (age > c.maxAgeMs || age < -FUTURE_SKEW_MS) return { ok: false, reason: "stale" };
  return { ok: true };
}
