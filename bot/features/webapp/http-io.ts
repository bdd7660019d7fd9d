import type { IncomingMessage, ServerResponse } from "node:http";
import { json } from "../../platform/http.js";

/** Bigger than any declaration (20 places of 200 characters and the rest), small enough to refuse junk early. */
export const MAX_BODY_BYTES = 16 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** A key under webapp:errors, shown to the person on the page. */
    readonly key: string,
  ) {
    super(key);
    this.name = "HttpError";
  }
}

/** The page loads only its own files and talks only to its own server; Telegram's web client may frame it. */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self' https://web.telegram.org",
].join("; ");

export function securityHeaders(res: ServerResponse) {
  res.setHeader("content-security-policy", CSP);
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("referrer-policy", "no-referrer");
  res.setHeader("cross-origin-opener-policy", "same-origin");
  res.setHeader("cross-origin-resource-policy", "same-origin");
  res.setHeader("permissions-policy", "camera=(), geolocation=(), microphone=()");
}

export function sendJson(res: ServerResponse, status: number, body: unknown) {
  securityHeaders(res);
  json(res, status, body, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
}

/** The JSON body, refused past MAX_BODY_BYTES (413) or when it is not JSON (400). */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = String(req.headers["content-type"] ?? "");
  // Only JSON: a cross-site HTML form cannot send it without a preflight this server never answers.
  if (!/^application\/json\b/i.test(type)) throw new HttpError(415, "badRequest");
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, "tooLarge");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "tooLarge");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "badRequest");
  }
}
