import { readFile, stat } from "node:fs/promises";
import { type FileSource, FileTooLargeError } from "../../core/types.js";

/** In the terminal a photo is a path on this machine. */
export function terminalFiles(): FileSource {
  return {
    async fetch(path, maxBytes) {
      const s = await stat(path);
      if (s.size > maxBytes) throw new FileTooLargeError(s.size, maxBytes);
      return readFile(path);
    },
  };
}
