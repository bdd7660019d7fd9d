import type { ZaloErrorBody } from "./tokens.js";

export interface UploadedAsset {
  kind: "image" | "file";
  bytes: Buffer;
  fileName: string;
  mimeType: string;
}

const invalid = (field: string): ZaloErrorBody => ({ error: -201, message: `${field} is invalid!` });
const len = (s: string) => Array.from(s).length;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;

function checkButtons(buttons: unknown, required: boolean): ZaloErrorBody | null {
  if (buttons === undefined && !required) return null;
  if (!Array.isArray(buttons) || buttons.length === 0 || buttons.length > 5) return invalid("buttons");
  for (const b of buttons) {
    if (
      !isObject(b) ||
      !["oa.query.hide", "oa.query.show", "oa.open.url", "oa.open.phone", "oa.open.sms"].includes(
        String(b.type),
      )
    )
      return invalid("buttons.type");
    if (typeof b.title !== "string" || len(b.title) === 0 || len(b.title) > 100)
      return invalid("buttons.title");
    if (String(b.type).startsWith("oa.query") && (typeof b.payload !== "string" || len(b.payload) > 1000))
      return invalid("buttons.payload");
  }
  return null;
}

/** What Zalo's /v3.0/oa/message/cs accepts, as far as the bot uses it. */
export function checkMessage(body: unknown, assets: Map<string, UploadedAsset>): ZaloErrorBody | null {
  if (!isObject(body) || !isObject(body.recipient) || typeof body.recipient.user_id !== "string")
    return invalid("recipient");
  const m = body.message;
  if (!isObject(m)) return invalid("message");
  if (m.text !== undefined && (typeof m.text !== "string" || len(m.text) > 2000)) return invalid("text");
  const a = m.attachment;
  if (a === undefined) return typeof m.text === "string" && m.text.length > 0 ? null : invalid("message");
  if (!isObject(a) || !isObject(a.payload)) return invalid("attachment");
  const p = a.payload;
  if (a.type === "file") {
    return typeof p.token === "string" && assets.get(p.token)?.kind === "file" ? null : invalid("token");
  }
  if (a.type !== "template") return invalid("attachment.type");
  if (p.template_type === undefined) {
    if (typeof m.text !== "string" || m.text.length === 0) return invalid("text");
    return checkButtons(p.buttons, true);
  }
  const elements = p.elements;
  if (!Array.isArray(elements) || elements.length !== 1 || !isObject(elements[0])) return invalid("elements");
  const e = elements[0];
  if (p.template_type === "media") {
    if (e.media_type !== "image") return invalid("media_type");
    if (typeof e.attachment_id !== "string" || assets.get(e.attachment_id)?.kind !== "image")
      return { error: -100, message: "attachment_id was expired" };
    return checkButtons(p.buttons, false);
  }
  if (p.template_type === "request_user_info") {
    if (typeof e.title !== "string" || len(e.title) === 0 || len(e.title) > 100) return invalid("title");
    if (typeof e.subtitle !== "string" || len(e.subtitle) > 500) return invalid("subtitle");
    return null;
  }
  return invalid("template_type");
}

const isJpeg = (b: Buffer) => b[0] === 0xff && b[1] === 0xd8;
const isPng = (b: Buffer) =>
  b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

/** /v2.0/oa/upload/image: JPEG or PNG up to 1 MB; /upload/file: PDF, DOC, DOCX, CSV up to 5 MB. */
export function checkUpload(kind: "image" | "file", bytes: Buffer, fileName: string): ZaloErrorBody | null {
  if (kind === "image") {
    if (!isJpeg(bytes) && !isPng(bytes)) return { error: -201, message: "file is invalid!" };
    if (bytes.length > 1024 * 1024) return { error: -210, message: "Parameter exceeds allowable limit" };
    return null;
  }
  if (!/\.(pdf|docx?|csv)$/i.test(fileName)) return { error: -201, message: "file is invalid!" };
  if (bytes.length > 5 * 1024 * 1024) return { error: -210, message: "Parameter exceeds allowable limit" };
  return null;
}
