import { z } from "zod";
import type { Input } from "../../core/types.js";
import { eventTime } from "./signature.js";

/** A query button's payload comes back as the user's text; this prefix marks it as an option id. */
export const OPTION_PREFIX = "#o:";
export const optionPayload = (id: string) => `${OPTION_PREFIX}${id}`;

/** A Zalo webhook event read as the engine's input. */
export interface ZaloEvent {
  name: string;
  userId: string;
  /** The delivery's identity for the engine's dedupe: the msg_id, or the event, user and time. */
  updateId: string;
  input: Input;
  at?: Date;
  /** The OA the event is addressed to, when it says. */
  oaId?: string;
}

const id = z.object({ id: z.union([z.string(), z.number()]).transform(String) });
const attachment = z.object({
  type: z.string(),
  payload: z
    .object({
      url: z.string().optional(),
      name: z.string().optional(),
      size: z.union([z.string(), z.number()]).optional(),
      type: z.string().optional(),
      coordinates: z
        .object({ latitude: z.coerce.number(), longitude: z.coerce.number() })
        .optional()
        .catch(undefined),
    })
    .optional(),
});
const eventSchema = z.object({
  event_name: z.string(),
  timestamp: z.union([z.string(), z.number()]).transform(String).optional(),
  oa_id: z.union([z.string(), z.number()]).transform(String).optional(),
  sender: id.optional(),
  recipient: id.optional(),
  follower: id.optional(),
  message: z
    .object({
      msg_id: z.string().optional(),
      text: z.string().optional(),
      attachments: z.array(attachment).optional().catch(undefined),
    })
    .optional(),
  info: z.object({ phone: z.union([z.string(), z.number()]).transform(String).optional() }).optional(),
});
type RawEvent = z.infer<typeof eventSchema>;

/** Typed text: a `/command`, a pressed query button (`#o:<option id>`), or plain text. */
export function textInput(raw: string): Input {
  if (raw.startsWith(OPTION_PREFIX)) return { kind: "option", data: raw.slice(OPTION_PREFIX.length) };
  const cmd = /^\/([A-Za-z0-9_]{1,32})(?:@\S+)?(?:\s+([\s\S]*))?$/.exec(raw.trim());
  if (cmd?.[1]) return { kind: "command", command: cmd[1].toLowerCase(), payload: (cmd[2] ?? "").trim() };
  return { kind: "text", text: raw };
}

/** Zalo shares numbers as 84912345678; a national 0… form is read as Vietnamese. */
export function zaloPhone(raw: string): string {
  const digits = raw.replace(/\D/g, "");
  if (raw.trim().startsWith("+")) return `+${digits}`;
  return digits.startsWith("0") ? `+84${digits.slice(1)}` : `+${digits}`;
}

function messageInput(e: RawEvent): Input {
  const kind = e.event_name.slice("user_send_".length);
  const first = e.message?.attachments?.find((a) => a.type === kind) ?? e.message?.attachments?.[0];
  const p = first?.payload;
  if (kind === "text") return textInput(e.message?.text ?? "");
  if (kind === "image" && p?.url) return { kind: "photo", fileRef: p.url };
  if (kind === "file" && p?.url) {
    const size = Number(p.size);
    return {
      kind: "document",
      fileRef: p.url,
      fileName: p.name,
      mimeType: p.type,
      size: Number.isFinite(size) && size > 0 ? size : undefined,
    };
  }
  if (kind === "location" && p?.coordinates)
    return { kind: "location", latitude: p.coordinates.latitude, longitude: p.coordinates.longitude };
  return { kind: "unsupported", what: kind || "other" };
}

/** The input a webhook event carries; null for events the bot does not answer (echoes, unfollow, reads). */
export function toZaloEvent(body: unknown): ZaloEvent | null {
  const parsed = eventSchema.safeParse(body);
  if (!parsed.success) return null;
  const e = parsed.data;
  const at = eventTime(e.timestamp);
  const oaId = e.oa_id ?? e.recipient?.id;
  const base = (userId: string, input: Input, msgId?: string): ZaloEvent => ({
    name: e.event_name,
    userId,
    updateId: msgId ? `m:${msgId}` : `e:${e.event_name}:${userId}:${e.timestamp ?? ""}`,
    input,
    at,
    oaId,
  });
  if (e.event_name === "follow") {
    return e.follower ? base(e.follower.id, { kind: "command", command: "start", payload: "" }) : null;
  }
  if (e.event_name === "user_submit_info") {
    if (!e.sender) return null;
    const phone = e.info?.phone?.trim();
    // Zalo vouches for the number: it is the one on the sender's own account.
    const input: Input = phone
      ? { kind: "contact", phone: zaloPhone(phone), own: true }
      : { kind: "unsupported", what: "user_info" };
    return base(e.sender.id, input);
  }
  // Group chats (user_send_group_*) are not conversations with the bot.
  if (e.event_name.startsWith("user_send_") && !e.event_name.includes("_group_") && e.sender) {
    return base(e.sender.id, messageInput(e), e.message?.msg_id);
  }
  return null;
}
