import { describe, expect, it } from "vitest";
import {
  autoCheckoutAt,
  checkoutEnd,
  decideCheckin,
  isValidStay,
  type OpenVisit,
  parseStay,
} from "../../../bot/features/checkpoint/checkin-policy.js";
import {
  checkpointCodeInQr,
  displayShortCode,
  newCode,
  newShortCode,
  normalizeShortCode,
  SHORT_CODE_ALPHABET,
} from "../../../bot/features/checkpoint/checkpoints.js";
import {
  addDays,
  localDayBounds,
  localTime,
  parseDateRange,
  startOfLocalDay,
} from "../../../bot/shared/local-time.js";

const TZ = "Asia/Ho_Chi_Minh";
const now = new Date("2021-08-01T03:00:00Z"); // 10:00 in Hanoi
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
const open = (checkpointId: number, inAt: number, stay = 240): OpenVisit => ({
  id: 7,
  checkpointId,
  checkedInAt: minutes(inAt),
  autoCheckoutAt: minutes(inAt + stay),
});

describe("decideCheckin", () => {
  it.each([
    { name: "first check-in", open: null, today: 0, want: { kind: "checkin" } },
    {
      name: "re-scan of the same place while inside",
      open: open(1, -30),
      today: 1,
      want: { kind: "already", visitId: 7, since: minutes(-30) },
    },
    {
      name: "a new place supersedes the open visit now",
      open: open(2, -30),
      today: 1,
      want: { kind: "checkin", close: { visitId: 7, checkpointId: 2, at: now, how: "superseded" } },
    },
    {
      name: "a visit past its stay ended at the end of its stay",
      open: open(2, -300),
      today: 1,
      want: { kind: "checkin", close: { visitId: 7, checkpointId: 2, at: minutes(-60), how: "automatic" } },
    },
    {
      name: "the same place after the stay ran out is a new visit",
      open: open(1, -240),
      today: 1,
      want: { kind: "checkin", close: { visitId: 7, checkpointId: 1, at: now, how: "automatic" } },
    },
    {
      name: "the cap stops a new check-in",
      open: open(2, -30),
      today: 30,
      want: { kind: "capped", cap: 30 },
    },
    {
      name: "the cap does not hide 'already'",
      open: open(1, -30),
      today: 30,
      want: { kind: "already", visitId: 7, since: minutes(-30) },
    },
  ])("$name", ({ open, today, want }) => {
    expect(decideCheckin({ open, checkpointId: 1, now, todayCount: today, cap: 30 })).toEqual(want);
  });

  it("has no cap when the cap is null", () => {
    expect(decideCheckin({ open: null, checkpointId: 1, now, todayCount: 10_000, cap: null }).kind).toBe(
      "checkin",
    );
  });

  it("ends a visit by hand now, or at the end of a stay that already ran out", () => {
    expect(checkoutEnd(open(1, -30), now)).toEqual({ at: now, how: "manual" });
    expect(checkoutEnd(open(1, -300), now)).toEqual({ at: minutes(-60), how: "automatic" });
    expect(autoCheckoutAt(now, 15)).toEqual(minutes(15));
  });
});

describe("stays", () => {
  it.each([
    ["90", 90],
    ["45 phút", 45],
    ["1h30", 90],
    ["1:30", 90],
    ["2h", 120],
    ["2 giờ", 120],
    ["3 tiếng", 180],
    ["1.5h", 90],
    ["23h45", 1425],
    ["abc", null],
    ["", null],
  ])("reads %j as %j minutes", (typed, want) => {
    expect(parseStay(typed)).toBe(want);
  });

  it("allows 15 minutes to 23 h 45", () => {
    expect([14, 15, 240, 1425, 1426].map(isValidStay)).toEqual([false, true, true, true, false]);
  });
});

describe("codes", () => {
  it("makes 96-bit codes and 8-character short codes without look-alikes", () => {
    const codes = new Set(Array.from({ length: 200 }, newCode));
    expect(codes.size).toBe(200);
    for (const c of codes) expect(c).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(`cp_${newCode()}`.length).toBeLessThanOrEqual(64);
    expect(SHORT_CODE_ALPHABET).not.toMatch(/[01OIL]/);
    for (let i = 0; i < 200; i++) {
      const s = newShortCode();
      expect(s).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
      expect(normalizeShortCode(displayShortCode(s).toLowerCase())).toBe(s);
    }
  });

  it.each([
    ["abcd-2345", "ABCD2345"],
    [" ABCD 2345 ", "ABCD2345"],
    ["ABCDEFGH", null],
    ["23456789", null],
    ["ABCD-1234", null],
    ["xin chào", null],
    ["hello", null],
  ])("reads the typed short code %j as %j", (typed, want) => {
    expect(normalizeShortCode(typed)).toBe(want);
  });

  it.each([
    ["https://t.me/health_bot?start=cp_AbCdEfGhIjKlMnOp", "AbCdEfGhIjKlMnOp"],
    ["tg://resolve?domain=health_bot&start=cp_AbCdEfGhIjKlMnOp", "AbCdEfGhIjKlMnOp"],
    ["cp_AbCdEfGhIjKlMnOp", "AbCdEfGhIjKlMnOp"],
    ["https://t.me/health_bot?start=inv_AbCdEfGhIjKlMnOp", null],
    ["cp_short", null],
    ["HD:ABC", null],
  ])("finds the checkpoint code in %j", (qr, want) => {
    expect(checkpointCodeInQr(qr)).toBe(want);
  });
});

describe("local days", () => {
  it("starts the day at local midnight", () => {
    const { start, end } = localDayBounds(new Date("2021-08-01T18:30:00Z"), TZ); // 01:30 on 2 Aug
    expect(start.toISOString()).toBe("2021-08-01T17:00:00.000Z");
    expect(end.toISOString()).toBe("2021-08-02T17:00:00.000Z");
    expect(startOfLocalDay({ y: 2021, mo: 3, d: 28 }, "Europe/London").toISOString()).toBe(
      "2021-03-28T00:00:00.000Z",
    );
    expect(startOfLocalDay({ y: 2021, mo: 3, d: 29 }, "Europe/London").toISOString()).toBe(
      "2021-03-28T23:00:00.000Z",
    );
    expect(localTime(now, TZ)).toBe("10:00");
    expect(addDays({ y: 2021, mo: 2, d: 28 }, 1)).toEqual({ y: 2021, mo: 3, d: 1 });
  });

  it.each([
    ["01/08/2021 - 14/08/2021", { from: { y: 2021, mo: 8, d: 1 }, to: { y: 2021, mo: 8, d: 14 } }],
    ["1/8 - 3/8", { from: { y: 2021, mo: 8, d: 1 }, to: { y: 2021, mo: 8, d: 3 } }],
    ["5.8.21", { from: { y: 2021, mo: 8, d: 5 }, to: { y: 2021, mo: 8, d: 5 } }],
    ["14/08/2021 - 01/08/2021", null],
    ["31/02/2021", null],
    ["yesterday", null],
  ])("reads the range %j", (typed, want) => {
    expect(parseDateRange(typed, now, TZ)).toEqual(want);
  });
});
