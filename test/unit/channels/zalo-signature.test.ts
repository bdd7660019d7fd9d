import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eventTime, verifyZaloSignature, zaloSignature } from "../../../bot/channels/zalo/signature.js";

const appId = "3608465248940903967";
const oaId = "388613280878808645";
const secret = "oa_secret_key";
const now = new Date("2026-11-26T03:00:00Z");
const ts = String(now.getTime() - 30_000);
const raw = `{"app_id":"${appId}","event_name":"user_send_text","timestamp":"${ts}"}`;
const mac = (id = appId, t = ts, key = secret) => `mac=${zaloSignature(id, raw, t, key)}`;
const check = (header: string | undefined, extra: Partial<Parameters<typeof verifyZaloSignature>[0]> = {}) =>
  verifyZaloSignature({
    header,
    rawBody: raw,
    timestamp: ts,
    ids: [appId],
    secret,
    now,
    maxAgeMs: 15 * 60_000,
    ...extra,
  });

describe("Zalo's webhook signature", () => {
  it("is a plain sha256 of app id, raw body, timestamp and secret, not an HMAC", () => {
    const expected = createHash("sha256")
      .update(appId + raw + ts + secret)
      .digest("hex");
    expect(zaloSignature(appId, raw, ts, secret)).toBe(expected);
  });

  it.each([
    ["with the mac= prefix", mac(), { ok: true }],
    ["without the prefix, in capitals", zaloSignature(appId, raw, ts, secret).toUpperCase(), { ok: true }],
    ["missing", undefined, { ok: false, reason: "missing" }],
    ["not hex", "mac=xyz", { ok: false, reason: "missing" }],
    ["made with another secret", mac(appId, ts, "app_secret"), { ok: false, reason: "mismatch" }],
    ["over another timestamp", mac(appId, String(Number(ts) + 1)), { ok: false, reason: "mismatch" }],
  ])("%s", (_name, header, verdict) => {
    expect(check(header)).toEqual(verdict);
  });

  it("refuses a changed body", () => {
    expect(check(mac(), { rawBody: raw.replace("text", "image") })).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("accepts the OA id as the first term when it is configured", () => {
    expect(check(mac(oaId))).toEqual({ ok: false, reason: "mismatch" });
    expect(check(mac(oaId), { ids: [appId, oaId] })).toEqual({ ok: true });
  });

  it("accepts a signature over the X-ZEvent-Timestamp header's value", () => {
    const other = String(now.getTime() - 1000);
    expect(check(mac(appId, other), { headerTimestamp: other })).toEqual({ ok: true });
  });

  it("refuses a delivery older than the limit or from the future", () => {
    const old = String(now.getTime() - 16 * 60_000);
    expect(check(mac(appId, old), { timestamp: old })).toEqual({ ok: false, reason: "stale" });
    const future = String(now.getTime() + 10 * 60_000);
    expect(check(mac(appId, future), { timestamp: future })).toEqual({ ok: false, reason: "stale" });
  });

  it("reads timestamps in milliseconds, or seconds", () => {
    expect(eventTime("1540368141908")?.toISOString()).toBe("2018-10-24T08:02:21.908Z");
    expect(eventTime("1540368141")?.toISOString()).toBe("2018-10-24T08:02:21.000Z");
    expect(eventTime("soon")).toBeUndefined();
    expect(eventTime(undefined)).toBeUndefined();
  });
});
