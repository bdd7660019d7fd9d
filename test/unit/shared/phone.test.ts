import { describe, expect, it } from "vitest";
import { formatPhone, normalizePhone } from "../../../bot/shared/phone.js";

describe("normalizePhone", () => {
  it.each([
    ["0912345678", {}, "+84912345678"],
    ["0912 345 678", {}, "+84912345678"],
    ["+84 912 345 678", {}, "+84912345678"],
    ["84912345678", { international: true }, "+84912345678"],
    ["14155552671", { international: true }, "+14155552671"],
    ["024 3826 1234", {}, "+842438261234"],
    ["0123", {}, null],
    ["hello", {}, null],
    ["", {}, null],
    ["9".repeat(40), {}, null],
  ])("%s → %s", (raw, opts, expected) => {
    expect(normalizePhone(raw, opts)).toBe(expected);
  });

  it("formats Vietnamese numbers the local way", () => {
    expect(formatPhone("+84912345678")).toBe("0912 345 678");
    expect(formatPhone("+14155552671")).toBe("+1 415 555 2671");
  });
});
