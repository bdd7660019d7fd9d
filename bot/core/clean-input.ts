import type { Input } from "./types.js";

// Control characters but tab, newline and carriage return (C0, DEL, C1), and lone surrogates: PostgreSQL
// refuses NUL in text, and none of them means anything in an answer.
const CONTROL = /(?![\t\n\r])[\p{Cc}\p{Cs}]/gu;

/** Strips control characters from what a person typed, before any flow sees it. */
export function stripControls(s: string): string {
  return s.replace(CONTROL, "").replace(/\r\n?/g, "\n");
}

export function cleanInput(input: Input): Input {
  switch (input.kind) {
    case "text":
      return { ...input, text: stripControls(input.text) };
    case "command":
      return { ...input, command: stripControls(input.command), payload: stripControls(input.payload) };
    case "option":
      return { ...input, data: stripControls(input.data) };
    case "contact":
      return { ...input, phone: stripControls(input.phone) };
    case "document":
      return input.fileName === undefined ? input : { ...input, fileName: stripControls(input.fileName) };
    default:
      return input;
  }
}
