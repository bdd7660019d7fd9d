import { createHmac, timingSafeEqual } from "node:crypto";

/** The Telegram user a Mini App was opened by, as its signed init data states. */
export interface InitDataUser {
  id: string;
  languageCode?: string;
}

export type InitDataCheck =
  | { ok: true; user: InitDataUser; authDate: Date; hash: string }
  | { ok: false; reason: "malformed" | "signature" | "expired" };

/**
 * Telegram's documented check of a Mini App's init data: the hex HMAC-SHA-256 of the sorted "key=value" lines
 * (every field but `hash`) under HMAC-SHA-256("WebAppData", bot token) must equal `hash`, and `auth_date` must
 * be recent, or anyone who once saw the string could use it for ever.
 */
export function checkInitData(
  initData: string,
  botToken: string,
  now: Date,
  maxAgeSeconds: number,
): InitDataCheck {
  if (initData.length === 0 || initData.length > 8192) return { ok: false, reason: "malformed" };
  const params = new URLSearchParams(initData);
  const hash = params.get("hash") ?? "";
  if (!/^[0-9a-f]{64}$/.test(hash)) return { ok: false, reason: "malformed" };
  params.delete("hash");
  const lines = [...params.entries()].map(([k, v]) => `${k}=${v}`).sort();
  const secret = createHmac("sha256", "WebAppData").update(botToken).digest();
  const expected = createHmac("sha256", secret).update(lines.join("\n")).digest();
  if (!timingSafeEqual(expected, Buffer.from(hash, "hex"))) return { ok: false, reason: "signature" };
  const authSeconds = Number(params.get("auth_date"));
  if (!Number.isInteger(authSeconds)) return { ok: false, reason: "malformed" };
  const age = now.getTime() / 1000 - authSeconds;
  // A little skew ahead is tolerated; a date far in the future is as suspect as an old one.
  if (age > maxAgeSeconds || age < -60) return { ok: false, reason: "expired" };
  let user: { id?: unknown; language_code?: unknown };
  try {
    user = JSON.parse(params.get("user") ?? "");
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (typeof user?.id !== "number" || !Number.isSafeInteger(user.id))
    return { ok: false, reason: "malformed" };
  return {
    ok: true,
    user: {
      id: String(user.id),
      languageCode: typeof user.language_code === "string" ? user.language_code : undefined,
    },
    authDate: new Date(authSeconds * 1000),
    hash,
  };
}

/** Init data as a Telegram client signs it: for tests, and to document the format. */
export function signInitData(fields: Record<string, string>, botToken: string): string {
  const lines = Object.entries(fields)
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  const secret = createHmac("sha256", "WebAppData").update(botToken).digest();
  const hash = createHmac("sha256", secret).update(lines.join("\n")).digest("hex");
  return new URLSearchParams({ ...fields, hash }).toString();
}
