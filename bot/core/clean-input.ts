import type { Input } from "./types.js";

/**
 * Control characters (NUL above all: PostgreSQL refuses it in text and jsonb, and the failed query would
 * carry the whole draft into the error) and unpaired surrogates are taken out of everything a person
 * sends, before any flow or table sees it. Line breaks and tabs stay: a note may have several lines.
 */
export function cleanText(s: string): string {
  return s
    .replace(/[^\P{Cc}\n\t]/gu, "")
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

export function cleanInput(input: Input): Input {
  switch (input.kind) {
    case "command":
      return { ...input, command: cleanText(input.command), payload: cleanText(input.payload) };
    case "text":
      return { ...input, text: cleanText(input.text) };
    case "option":
      return { ...input, data: cleanText(input.data) };
    case "contact":
      return { ...input, phone: cleanText(input.phone) };
    case "document":
      return input.fileName === undefined ? input : { ...input, fileName: cleanText(input.fileName) };
    default:
      return input;
  }
}
