import { describe, expect, it } from "vitest";
import { optionCodec } from "../../../bot/core/options.js";
import { manageOptions, reportOptions } from "../../../bot/features/monitoring/options.js";

const codec = optionCodec("demo", { go: ["int?"], dep: ["int", "int"], pick: ["str"], ok: [] });

describe("option codec", () => {
  it("builds and parses the same ids", () => {
    expect(codec.build("go")).toBe("demo:go");
    expect(codec.build("go", 7)).toBe("demo:go:7");
    expect(codec.build("dep", 3, 42)).toBe("demo:dep:3:42");
    expect(codec.parse("demo:dep:3:42")).toEqual({ action: "dep", args: [3, 42] });
    expect(codec.parse("demo:go")).toEqual({ action: "go", args: [undefined] });
    expect(codec.match({ kind: "option", data: "demo:pick:fever" }, "pick")).toEqual(["fever"]);
    expect(codec.match({ kind: "text", text: "demo:ok" }, "ok")).toBeNull();
  });

  it("refuses ids it did not build", () => {
    for (const bad of [
      "demo:dep:3",
      "demo:dep:3:x",
      "demo:dep:1:2:3",
      "other:go",
      "demo:nope",
      "demo:toString",
      "demo:go:-1",
      "demo:pick:a:b",
    ])
      expect(codec.parse(bad), bad).toBeNull();
  });

  it("refuses to build an id over Telegram's 64 bytes or with a separator inside", () => {
    const long = optionCodec("x".repeat(30), { a: ["str"] });
    expect(() => long.build("a", "y".repeat(40))).toThrow(/64 bytes/);
    expect(() => codec.build("pick", "a:b")).toThrow(/not valid/);
    expect(() => codec.build("go", 1.5)).toThrow(/not valid/);
  });

  it("lets a reminder's button and the report flow agree", () => {
    const id = reportOptions.build("ok", 123);
    expect(id).toBe("report:ok:123");
    expect(reportOptions.match(id, "ok")).toEqual([123]);
    expect(manageOptions.parse(manageOptions.build("mem", 5, 2))).toEqual({ action: "mem", args: [5, 2] });
  });
});
