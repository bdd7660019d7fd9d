import { badRequest, type Json } from "./types.js";

/** HTML tags supported by the Bot API. Anything else (e.g. <br>) is an error. */
const HTML_TAGS = new Set(
  "b strong i em u ins s strike del span tg-spoiler a code pre blockquote tg-emoji tg-time".split(" "),
);
const HTML_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
const MD2_MARKS: Record<string, string> = {
  "*": "Bold",
  _: "Italic",
  "~": "Strikethrough",
  "||": "Spoiler",
};
const INLINE_ACTIONS = [
  "callback_data",
  "url",
  "login_url",
  "web_app",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
];

const entityError = (what: string) => badRequest(`can't parse entities: ${what}`);
const byteOffset = (src: string, i: number) => Buffer.byteLength(src.slice(0, i));

/**
 * Returns the plain text Telegram would store for `text` in `parseMode`, or
 * throws the 400 "can't parse entities" error Telegram would answer.
 */
export function renderText(text: string, parseMode: unknown): string {
  if (parseMode === undefined || parseMode === null || parseMode === "") return text;
  const mode = String(parseMode).toLowerCase();
  if (mode === "html") return renderHtml(text);
  if (mode === "markdownv2") return renderMarkdownV2(text);
  if (mode === "markdown") return renderMarkdown(text);
  throw badRequest(`unsupported parse_mode`);
}

function renderHtml(src: string): string {
  let out = "";
  const stack: string[] = [];
  for (let i = 0; i < src.length; ) {
    const c = src[i] as string;
    if (c === "<") {
      const end = src.indexOf(">", i);
      if (end === -1) throw entityError(`Unclosed start tag at byte offset ${byteOffset(src, i)}`);
      const inner = src.slice(i + 1, end).trim();
      if (inner.startsWith("/")) {
        const name = inner.slice(1).trim().toLowerCase();
        const open = stack.pop();
        if (open !== name)
          throw entityError(
            `Unmatched end tag at byte offset ${byteOffset(src, i)}, expected "</${open ?? ""}>", found "</${name}>"`,
          );
      } else {
        const name = (/^[a-z-]*/i.exec(inner)?.[0] ?? "").toLowerCase();
        if (!HTML_TAGS.has(name) || inner.endsWith("/"))
          throw entityError(`Unsupported start tag "${name}" at byte offset ${byteOffset(src, i)}`);
        stack.push(name);
      }
      i = end + 1;
      continue;
    }
    if (c === "&") {
      const m = /^&(#x[0-9a-f]+|#\d+|[a-z]+);/i.exec(src.slice(i, i + 12));
      const body = m?.[1];
      if (m && body) {
        const decoded = body.startsWith("#")
          ? String.fromCodePoint(
              body[1] === "x" || body[1] === "X" ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1)),
            )
          : HTML_ENTITIES[body.toLowerCase()];
        if (decoded !== undefined) {
          out += decoded;
          i += m[0].length;
          continue;
        }
      }
    }
    out += c;
    i++;
  }
  const open = stack.pop();
  if (open) throw entityError(`Can't find end tag corresponding to start tag "${open}"`);
  return out;
}

function renderMarkdownV2(src: string): string {
  let out = "";
  let mode: "text" | "code" | "pre" | "url" = "text";
  let links = 0;
  let lineStart = true;
  const counts: Record<string, number> = { "*": 0, _: 0, "~": 0, "||": 0 };
  for (let i = 0; i < src.length; ) {
    const c = src[i] as string;
    const wasLineStart = lineStart;
    lineStart = c === "\n";
    if (c === "\\") {
      if (i + 1 >= src.length) throw entityError("Unexpected end of text");
      if (mode !== "url") out += src[i + 1];
      i += 2;
      continue;
    }
    if (mode === "pre") {
      if (src.startsWith("```", i)) mode = "text";
      else out += c;
      i += mode === "text" ? 3 : 1;
      continue;
    }
    if (mode === "code" || mode === "url") {
      if (c === (mode === "code" ? "`" : ")")) mode = "text";
      else if (mode === "code") out += c;
      i++;
      continue;
    }
    const mark = src.startsWith("||", i) ? "||" : c;
    if (src.startsWith("```", i)) {
      mode = "pre";
      const nl = src.indexOf("\n", i + 3);
      const lang = nl === -1 ? null : src.slice(i + 3, nl);
      i = lang !== null && /^[\w+#-]*$/.test(lang) ? nl + 1 : i + 3;
    } else if (c === "`") {
      mode = "code";
      i++;
    } else if (mark in counts) {
      counts[mark] = (counts[mark] ?? 0) + 1;
      i += mark.length;
    } else if (c === "[") {
      links++;
      i++;
    } else if (c === "]" && links > 0 && src[i + 1] === "(") {
      links--;
      mode = "url";
      i += 2;
    } else if ((c === "!" && src[i + 1] === "[") || (c === ">" && wasLineStart)) {
      i++;
    } else if ("_*[]()~`>#+-=|{}.!".includes(c)) {
      throw entityError(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
    } else {
      out += c;
      i++;
    }
  }
  if (mode !== "text") {
    const name = mode === "url" ? "URL" : mode === "pre" ? "Pre" : "Code";
    throw entityError(`Can't find end of ${name} entity`);
  }
  for (const [mark, n] of Object.entries(counts))
    if (n % 2) throw entityError(`Can't find end of ${MD2_MARKS[mark]} entity`);
  if (links > 0) throw entityError("Can't find end of the entity");
  return out;
}

function renderMarkdown(src: string): string {
  let out = "";
  let open: { mark: string; at: number } | null = null;
  for (let i = 0; i < src.length; ) {
    const c = src[i] as string;
    const mark = src.startsWith("```", i) ? "```" : c;
    if (!open && c === "\\" && "_*`[".includes(src[i + 1] ?? "")) {
      out += src[i + 1];
      i += 2;
    } else if (open && mark === open.mark) {
      open = null;
      i += mark.length;
    } else if (!open && ["*", "_", "`", "```"].includes(mark)) {
      open = { mark, at: i };
      i += mark.length;
    } else if (!open && c === "[") {
      const m = /^\[([^\]]*)\]\(([^)]*)\)/.exec(src.slice(i));
      if (!m) throw unclosed(src, i);
      out += m[1];
      i += m[0].length;
    } else {
      out += c;
      i++;
    }
  }
  if (open) throw unclosed(src, open.at);
  return out;
}

const unclosed = (src: string, i: number) =>
  entityError(`Can't find end of the entity starting at byte offset ${byteOffset(src, i)}`);

/** Validates reply_markup like Telegram does for the common mistakes. */
export function validateReplyMarkup(markup: Json): void {
  if (markup === undefined || markup === null) return;
  if (typeof markup !== "object") throw badRequest("can't parse reply keyboard markup JSON object");
  const rowsOf = (key: string): Json[][] => {
    const rows = markup[key];
    if (!Array.isArray(rows) || !rows.every(Array.isArray))
      throw badRequest(`field "${key}" of the reply markup must be an Array of Arrays`);
    return rows;
  };
  if ("inline_keyboard" in markup) {
    for (const b of rowsOf("inline_keyboard").flat()) {
      if (typeof b?.text !== "string")
        throw badRequest("can't parse inline keyboard button: Text is not specified");
      if (!INLINE_ACTIONS.some((k) => b[k] !== undefined))
        throw badRequest(
          "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        );
      const data = b.callback_data;
      if (data !== undefined) {
        const n = typeof data === "string" ? Buffer.byteLength(data) : 0;
        if (n < 1 || n > 64) throw badRequest("BUTTON_DATA_INVALID");
      }
      if (b.url !== undefined && !/^(https?|tg):\/\/\S+$/i.test(String(b.url)))
        throw badRequest(`inline keyboard button URL '${b.url}' is invalid: Wrong HTTP URL`);
    }
  } else if ("keyboard" in markup) {
    for (const b of rowsOf("keyboard").flat())
      if (typeof b !== "string" && typeof b?.text !== "string")
        throw badRequest("can't parse keyboard button: Text is not specified");
  }
}
