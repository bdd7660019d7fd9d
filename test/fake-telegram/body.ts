import type { IncomingMessage } from "node:http";
import { ApiError, type Json, type UploadedFile } from "./types.js";

const MAX_BODY_BYTES = 60 * 1024 * 1024;
const MAX_PARTS = 1000;

/** Fields that Telegram accepts as JSON-serialized strings. */
const JSON_KEYS = new Set([
  "reply_markup",
  "entities",
  "caption_entities",
  "commands",
  "scope",
  "allowed_updates",
  "link_preview_options",
  "reply_parameters",
  "media",
  "results",
  "permissions",
  "menu_button",
]);
const NUMBER_KEYS = new Set([
  "chat_id",
  "from_chat_id",
  "message_id",
  "offset",
  "limit",
  "timeout",
  "user_id",
  "reply_to_message_id",
  "message_thread_id",
  "cache_time",
  "max_connections",
  "duration",
  "width",
  "height",
  "latitude",
  "longitude",
]);
const BOOL_KEYS = new Set([
  "drop_pending_updates",
  "disable_notification",
  "protect_content",
  "show_alert",
  "disable_web_page_preview",
  "allow_sending_without_reply",
  "has_spoiler",
  "disable_content_type_detection",
  "revoke_messages",
  "only_if_banned",
]);

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, "Request Entity Too Large");
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/**
 * Parses Bot API parameters from the query string and a JSON, urlencoded or
 * multipart body. Stringly-typed values are normalized (JSON fields parsed,
 * numbers and booleans converted) and `attach://<id>` references are replaced
 * by the uploaded file.
 */
export function parseParams(contentType: string | undefined, body: Buffer, query: URLSearchParams): Json {
  const out: Record<string, unknown> = {};
  for (const [k, v] of query) out[k] = v;
  const type = (contentType ?? "").toLowerCase();
  let files = new Map<string, UploadedFile>();
  if (type.startsWith("application/json")) {
    const text = body.toString("utf8").trim();
    if (text) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new ApiError(400, "Bad Request: can't parse JSON object");
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new ApiError(400, "Bad Request: JSON object expected");
      Object.assign(out, parsed);
    }
  } else if (type.startsWith("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(body.toString("utf8"))) out[k] = v;
  } else if (type.startsWith("multipart/form-data")) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? "");
    const b = boundary?.[1] ?? boundary?.[2];
    if (!b) throw new ApiError(400, "Bad Request: multipart boundary missing");
    const parsed = parseMultipart(body, b);
    files = parsed.files;
    Object.assign(out, parsed.fields);
  }
  for (const [k, v] of Object.entries(out)) out[k] = normalize(k, v);
  const used = new Set<string>();
  const params = resolveAttachments(out, files, used);
  // Files not referenced via attach:// are parameters themselves (curl -F photo=@x).
  for (const [name, file] of files) if (!used.has(name)) params[name] ??= file;
  return params;
}

function normalize(key: string, value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (JSON_KEYS.has(key)) {
    try {
      return JSON.parse(value);
    } catch {
      throw new ApiError(400, `Bad Request: can't parse ${key} JSON object`);
    }
  }
  if (NUMBER_KEYS.has(key) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (BOOL_KEYS.has(key) && (value === "true" || value === "false")) return value === "true";
  return value;
}

function resolveAttachments(value: Json, files: Map<string, UploadedFile>, used: Set<string>): Json {
  if (typeof value === "string" && value.startsWith("attach://")) {
    const name = value.slice("attach://".length);
    const file = files.get(name);
    if (!file) throw new ApiError(400, `Bad Request: file ${value} not found`);
    used.add(name);
    return file;
  }
  if (Array.isArray(value)) return value.map((v) => resolveAttachments(v, files, used));
  if (value && typeof value === "object" && !Buffer.isBuffer(value.bytes)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveAttachments(v, files, used);
    return out;
  }
  return value;
}

/**
 * Minimal multipart/form-data parser. Tolerates grammY's compact headers
 * (`content-disposition:form-data;name="x";filename=y.jpg`, no spaces or quotes).
 */
export function parseMultipart(
  body: Buffer,
  boundary: string,
): { fields: Record<string, string>; files: Map<string, UploadedFile> } {
  const fields: Record<string, string> = {};
  const files = new Map<string, UploadedFile>();
  const opener = Buffer.from(`--${boundary}`);
  const separator = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(opener);
  for (let parts = 0; pos !== -1 && parts < MAX_PARTS; parts++) {
    let start = pos + opener.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing "--"
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    const end = body.indexOf(separator, start);
    if (end === -1) break;
    const part = body.subarray(start, end);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd !== -1) {
      const headers = parseHeaders(part.subarray(0, headerEnd).toString("utf8"));
      const content = part.subarray(headerEnd + 4);
      const disposition = headers.get("content-disposition") ?? "";
      const name = dispositionParam(disposition, "name");
      const filename = dispositionParam(disposition, "filename");
      if (name !== undefined && filename !== undefined) {
        files.set(name, {
          filename,
          bytes: Buffer.from(content),
          contentType: headers.get("content-type") ?? "application/octet-stream",
        });
      } else if (name !== undefined) {
        fields[name] = content.toString("utf8");
      }
    }
    pos = end + 2;
  }
  return { fields, files };
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function dispositionParam(disposition: string, key: string): string | undefined {
  const re = /(?:^|;)\s*([a-z*]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/gi;
  for (let m = re.exec(disposition); m; m = re.exec(disposition)) {
    if (m[1]?.toLowerCase() === key) return (m[2] ?? m[3] ?? "").trim();
  }
  return undefined;
}
