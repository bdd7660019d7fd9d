import { describe, expect, it } from "vitest";
import { zaloWindow } from "../../../bot/shared/zalo-window.js";

const now = new Date("2026-11-26T03:00:00Z");
const ago = (hours: number) => new Date(now.getTime() - hours * 3600_000);

describe("zaloWindow", () => {
  it.each([
    ["never interacted", null, "closed"],
    ["just now", ago(0), "free"],
    ["a clock a little ahead", ago(-0.1), "free"],
    ["47 h ago", ago(47), "free"],
    ["exactly 48 h ago", ago(48), "free"],
    ["48 h and a minute ago", ago(48 + 1 / 60), "paid"],
    ["6 days ago", ago(144), "paid"],
    ["exactly 7 days ago", ago(168), "paid"],
    ["7 days and a minute ago", ago(168 + 1 / 60), "closed"],
    ["a month ago", ago(720), "closed"],
  ] as const)("%s: %s", (_name, last, expected) => {
    expect(zaloWindow(last, now)).toBe(expected);
  });
});
