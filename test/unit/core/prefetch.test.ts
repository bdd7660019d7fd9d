import { describe, expect, it } from "vitest";
import { PREFETCH_MAX_BYTES, prefetchFile } from "../../../bot/core/prefetch.js";
import { type FileSource, FileTooLargeError } from "../../../bot/core/types.js";

function source(files: Record<string, Buffer>) {
  const calls: string[] = [];
  const src: FileSource = {
    async fetch(ref, max) {
      calls.push(ref);
      const bytes = files[ref];
      if (!bytes) throw new Error(`no file ${ref}`);
      if (bytes.length > max) throw new FileTooLargeError(bytes.length, max);
      return bytes;
    },
  };
  return { src, calls };
}

describe("prefetchFile", () => {
  it("downloads a photo once, before the transaction, and serves it with the caller's limit", async () => {
    const { src, calls } = source({ a: Buffer.alloc(1000, 1) });
    const files = await prefetchFile(src, { kind: "photo", fileRef: "a" });
    expect(calls).toEqual(["a"]);
    expect((await files!.fetch("a", 2000)).length).toBe(1000);
    await expect(files!.fetch("a", 500)).rejects.toBeInstanceOf(FileTooLargeError);
    expect(calls).toEqual(["a"]);
  });

  it("keeps a failed download's error for when a feature asks", async () => {
    const { src } = source({ big: Buffer.alloc(PREFETCH_MAX_BYTES + 1) });
    const files = await prefetchFile(src, { kind: "document", fileRef: "big", mimeType: "image/png" });
    await expect(files!.fetch("big", 100)).rejects.toBeInstanceOf(FileTooLargeError);
    const missing = await prefetchFile(src, { kind: "photo", fileRef: "gone" });
    await expect(missing!.fetch("gone", 100)).rejects.toThrow("no file gone");
  });

  it("downloads nothing for other input and passes other files through", async () => {
    const { src, calls } = source({ b: Buffer.from("x") });
    expect(await prefetchFile(src, { kind: "text", text: "hi" })).toBe(src);
    const files = await prefetchFile(src, { kind: "photo", fileRef: "b" });
    expect(String(await files!.fetch("b", 10))).toBe("x");
    expect(await prefetchFile(undefined, { kind: "photo", fileRef: "b" })).toBeUndefined();
    expect(calls).toEqual(["b"]);
  });
});
