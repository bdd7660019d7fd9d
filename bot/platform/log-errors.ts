/**
 * What an error may put in a log line. Errors carry personal data in many places: grammY's `payload` is
 * the whole request (a reply's text: a phone, a name, a trace result), drizzle's message lists the query's
 * parameters (a declaration draft with its ID number), a database's `detail` quotes the offending value,
 * and a library's message may quote its input (`JSON.parse`). So a logged error keeps only what names the
 * failure — its class, codes, the API method, Telegram's description, the SQL text — and a message with
 * every quoted part and long number removed.
 */

/** Fields that name a failure without carrying what was being sent or stored. */
const KEPT = [
  "code",
  "error_code",
  "description",
  "method",
  "path",
  "status",
  "severity",
  "routine",
  "constraint",
  "constraint_name",
  "table",
  "table_name",
  "column",
  "column_name",
  "retry_after",
] as const;

const MAX_MESSAGE = 240;

/** A message with what it quotes and any long run of digits (a phone, an ID number) taken out. */
export function scrubMessage(message: string): string {
  return message
    .replace(/"[^"]*"|'[^']*'|`[^`]*`|«[^»]*»|“[^”]*”/g, "[…]")
    .replace(/\+?\d[\d .-]{4,}\d/g, "[n]")
    .replace(/[\p{Cc}]+/gu, " ")
    .slice(0, MAX_MESSAGE);
}

const isDbError = (e: Record<string, unknown>) =>
  typeof e.severity === "string" || typeof e.routine === "string" || e.name === "PostgresError";

/** Stack frames only: the first lines of a stack repeat the message. */
const frames = (stack: unknown) =>
  typeof stack === "string"
    ? stack
        .split("\n")
        .filter((l) => l.startsWith("    at "))
        .slice(0, 12)
        .join("\n")
    : undefined;

export function safeError(err: unknown, depth = 0): Record<string, unknown> {
  if (err === null || typeof err !== "object") return { type: typeof err };
  const e = err as Record<string, unknown>;
  const out: Record<string, unknown> = {
    type: (err as object).constructor?.name ?? (typeof e.name === "string" ? e.name : "Object"),
  };
  for (const key of KEPT) {
    const v = e[key];
    if (typeof v === "string") out[key] = key === "description" ? scrubMessage(v) : v.slice(0, 80);
    else if (typeof v === "number" || typeof v === "boolean") out[key] = v;
  }
  const params = e.parameters;
  if (params && typeof params === "object" && "retry_after" in params) out.retry_after = params.retry_after;
  if (out.type === "DrizzleQueryError" && typeof e.query === "string") {
    // The SQL has placeholders for every value; the parameters stay out.
    out.message = `Failed query: ${e.query.slice(0, 400)}`;
  } else if (!isDbError(e) && typeof e.message === "string") {
    out.message = scrubMessage(e.message);
  }
  const stack = frames(e.stack);
  if (stack) out.stack = stack;
  if (depth < 3) {
    if (e.cause !== undefined) out.cause = safeError(e.cause, depth + 1);
    // grammY's HttpError wraps the network error as `error`.
    if (e.error && typeof e.error === "object") out.error = safeError(e.error, depth + 1);
  }
  return out;
}
