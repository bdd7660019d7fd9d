import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkInitData, signInitData } from "../../../bot/features/webapp/init-data.js";
import { newNonce, signToken, verifyToken } from "../../../bot/features/webapp/tokens.js";

const TOKEN = "123456:ABC-test-token";
const NOW = new Date("2026-12-01T10:00:00Z");
const at = (secondsAgo: number) => String(Math.floor(NOW.getTime() / 1000) - secondsAgo);
const user = JSON.stringify({ id: 4242, first_name: "An", language_code: "vi" });

/** Telegram's documented check, written out again independently of the code under test. */
function telegramSigned(fields: Record<string, string>, botToken: string): string {
  const dataCheck = Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join("\n");
  const secret = createHmac("sha256", "WebAppData").update(botToken).digest();
  const hash = createHmac("sha256", secret).update(dataCheck).digest("hex");
  return `${new URLSearchParams(fields).toString()}&hash=${hash}`;
}

describe("Telegram init data", () => {
  it("accepts what Telegram signs, and names the user", () => {
    const data = telegramSigned({ auth_date: at(5), query_id: "AAHdF6IQ", user }, TOKEN);
    const r = checkInitData(data, TOKEN, NOW, 600);
    expect(r).toMatchObject({ ok: true, user: { id: "4242", languageCode: "vi" } });
    expect(signInitData({ auth_date: at(5), query_id: "AAHdF6IQ", user }, TOKEN)).toBe(data);
  });

  it("refuses another bot's signature, a changed field, a missing hash, an old or a future date", () => {
    const fields = { auth_date: at(5), user };
    expect(checkInitData(telegramSigned(fields, "999:other"), TOKEN, NOW, 600)).toEqual({
      ok: false,
      reason: "signature",
    });
    const changed = telegramSigned(fields, TOKEN).replace("4242", "4243");
    expect(checkInitData(changed, TOKEN, NOW, 600)).toMatchObject({ ok: false, reason: "signature" });
    expect(checkInitData(new URLSearchParams(fields).toString(), TOKEN, NOW, 600)).toMatchObject({
      ok: false,
      reason: "malformed",
    });
    expect(checkInitData(telegramSigned({ auth_date: at(601), user }, TOKEN), TOKEN, NOW, 600)).toMatchObject(
      {
        ok: false,
        reason: "expired",
      },
    );
    expect(
      checkInitData(telegramSigned({ auth_date: at(-3600), user }, TOKEN), TOKEN, NOW, 600),
    ).toMatchObject({
      ok: false,
      reason: "expired",
    });
    expect(checkInitData("", TOKEN, NOW, 600)).toMatchObject({ ok: false, reason: "malformed" });
  });
});

describe("the page's own tokens", () => {
  const key = Buffer.alloc(32, 7);
  const session = { k: "s" as const, u: 1, c: "zalo" as const, e: NOW.getTime() + 60_000, n: newNonce() };

  it("verify under their key and kind until they expire", () => {
    const token = signToken(key, session);
    expect(verifyToken(key, token, "s", NOW)).toEqual({ ok: true, claims: session });
    expect(verifyToken(key, token, "l", NOW)).toMatchObject({ ok: false, reason: "signature" });
    expect(verifyToken(Buffer.alloc(32, 8), token, "s", NOW)).toMatchObject({
      ok: false,
      reason: "signature",
    });
    expect(verifyToken(key, token, "s", new Date(session.e))).toMatchObject({ ok: false, reason: "expired" });
  });

  it("cannot be altered: another user id under the same signature is refused", () => {
    const [, sig] = signToken(key, session).split(".");
    const body = Buffer.from(JSON.stringify({ ...session, u: 2 })).toString("base64url");
    expect(verifyToken(key, `${body}.${sig}`, "s", NOW)).toMatchObject({ ok: false, reason: "signature" });
    expect(verifyToken(key, "garbage", "s", NOW)).toMatchObject({ ok: false, reason: "signature" });
  });
});
