import { z } from "zod";
import type { Reply } from "../../core/types.js";

// A Reply as stored in outbox.payload (jsonb): bytes become base64 strings, everything else is kept as is.

const option = z.object({
  id: z.string(),
  label: z.string(),
  url: z.string().optional(),
  webApp: z.boolean().optional(),
});
const options = z.array(z.array(option)).optional();
const base64 = z.string().transform((s) => new Uint8Array(Buffer.from(s, "base64")));

const storedReply = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("text"),
    text: z.string(),
    options,
    requestContact: z.string().optional(),
    removeKeyboard: z.boolean().optional(),
  }),
  z.object({
    kind: z.literal("photo"),
    png: base64,
    caption: z.string().optional(),
    options,
    fileName: z.string().optional(),
    qr: z.string().optional(),
  }),
  z.object({
    kind: z.literal("document"),
    bytes: base64,
    fileName: z.string(),
    mimeType: z.string(),
    caption: z.string().optional(),
  }),
  z.object({ kind: z.literal("menu"), roles: z.array(z.string()) }),
]);

const toBase64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

/** The jsonb form of a reply. `edit` is dropped: an outbox message is always a new message. */
export function encodeReply(reply: Reply): Record<string, unknown> {
  if (reply.kind === "photo") return { ...reply, png: toBase64(reply.png) };
  if (reply.kind === "document") return { ...reply, bytes: toBase64(reply.bytes) };
  if (reply.kind === "menu") return reply;
  const { edit: _edit, ...rest } = reply;
  return rest;
}

/** The reply a stored payload holds; throws on a payload this code did not write. */
export function decodeReply(payload: unknown): Reply {
  return storedReply.parse(payload);
}
