import { describe, expect, it } from "vitest";
import { cleanInput, stripControls } from "../../../bot/core/clean-input.js";

describe("control characters in what people type", () => {
  it("are removed, keeping tabs, line breaks, Vietnamese and emoji", () => {
    expect(stripControls("Nguy\u0000ễn\u0007 Văn\u001b An\u007f\u0085 😀\tx\r\ny")).toBe(
      "Nguyễn Văn An 😀\tx\ny",
    );
    expect(stripControls("a\ud800b\udc00c")).toBe("abc");
  });
  it("are removed from every free-text part of an input", () => {
    expect(cleanInput({ kind: "text", text: "\u0000hi" })).toEqual({ kind: "text", text: "hi" });
    expect(cleanInput({ kind: "command", command: "start", payload: "cp_\u0000x" })).toEqual({
      kind: "command",
      command: "start",
      payload: "cp_x",
    });
    expect(cleanInput({ kind: "option", data: "a:\u0001b" })).toEqual({ kind: "option", data: "a:b" });
  });
});
