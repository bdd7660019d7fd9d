import { describe, expect, it } from "vitest";
import { LANGS } from "../../../bot/core/i18n.js";
import { languageOptions } from "../../../bot/features/account/options.js";

describe("language button ids", () => {
  it("are language:<code>, as before the codec, and round-trip", () => {
    expect(languageOptions.build("vi")).toBe("language:vi");
    for (const l of LANGS)
      expect(languageOptions.parse(languageOptions.build(l))).toEqual({ action: l, args: [] });
  });

  it("refuse a language the bot does not speak, and anything garbled or foreign", () => {
    for (const bad of [
      "language:fr",
      "language:vi:x",
      "language:",
      "language",
      "lang:vi",
      "registration:x",
      "",
    ])
      expect(languageOptions.parse(bad), bad).toBeNull();
  });
});
