import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { DbOrTx } from "../../../db/client.js";
import { loadSettingsKey } from "../../shared/settings-key.js";

const SETTING = "webapp_hmac_key";

/** The key signing the page's links and sessions: generated once and kept in `settings`, shared by every instance. */
export async function loadWebKey(db: DbOrTx, now: Date): Promise<Buffer> {
  return loadSettingsKey(db, SETTING, now);
}

const channel = z.enum(["telegram", "zalo", "terminal"]);

/**
 * l: a one-time link the bot sent (opens a session once); s: a session of the page; f: one form's submission,
 * spent when it is sent. Each names the person (u: user id) and the chat the QR goes back to (c).
 */
const claims = z.discriminatedUnion("k", [
  z.object({
    k: z.literal("l"),
    u: z.number().int(),
    c: channel,
    p: z.number().int().nullable(),
    e: z.number(),
    n: z.string(),
  }),
  z.object({ k: z.literal("s"), u: z.number().int(), c: channel, e: z.number(), n: z.string() }),
  z.object({
    k: z.literal("f"),
    u: z.number().int(),
    p: z.number().int().nullable(),
    e: z.number(),
    n: z.string(),
  }),
]);
export type Claims = z.infer<typeof claims>;
export type ClaimsOf<K extends Claims["k"]> = Extract<Claims, { k: K }>;

const mac = (key: Buffer, body: string) => createHmac("sha256", key).update(body).digest();

export const newNonce = () => randomBytes(12).toString("base64url");

/** base64url(JSON).base64url(HMAC): no personal data, only ids the server already knows. */
export function signToken(key: Buffer, c: Claims): string {
  const body = Buffer.from(JSON.stringify(c)).toString("base64url");
  return `${body}.${mac(key, body).toString("base64url")}`;
}

export type TokenCheck<K extends Claims["k"]> =
  | { ok: true; claims: ClaimsOf<K> }
  | { ok: false; reason: "signature" | "expired" };

export function verifyToken<K extends Claims["k"]>(
  key: Buffer,
  token: string,
  kind: K,
  now: Date,
): TokenCheck<K> {
  if (token.length > 1024) return { ok: false, reason: "signature" };
  const [body = "", sig = "", extra] = token.split(".");
  if (extra !== undefined || !/^[\w-]+$/.test(body) || !/^[\w-]+$/.test(sig))
    return { ok: false, reason: "signature" };
  const given = Buffer.from(sig, "base64url");
  const want = mac(key, body);
  if (given.length !== want.length || !timingSafeEqual(given, want))
    return { ok: false, reason: "signature" };
  let parsed: z.ZodSafeParseResult<Claims>;
  try {
    parsed = claims.safeParse(JSON.parse(Buffer.from(body, "base64url").toString("utf8")));
  } catch {
    return { ok: false, reason: "signature" };
  }
  if (!parsed.success || parsed.data.k !== kind) return { ok: false, reason: "signature" };
  if (parsed.data.e <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, claims: parsed.data as ClaimsOf<K> };
}
