import type { Option, Reply } from "../../core/types.js";
import { optionPayload } from "./events.js";

// Zalo's limits on a consultation message (v3 /message/cs) and its uploads.
export const TEXT_MAX = 2000;
export const BUTTONS_MAX = 5;
export const BUTTON_TITLE_MAX = 100;
export const INFO_TITLE_MAX = 100;
export const INFO_SUBTITLE_MAX = 500;
export const IMAGE_MAX_BYTES = 1024 * 1024;
export const FILE_MAX_BYTES = 5 * 1024 * 1024;
/** What /v2.0/oa/upload/file takes; anything else is offered on the other channels instead. */
export const FILE_TYPES: Record<string, string> = {
  "application/pdf": "pdf",
  "application/msword": "doc",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "text/csv": "csv",
};

export interface ZaloButton {
  type: "oa.query.hide" | "oa.open.url";
  title: string;
  payload: string | { url: string };
}

export type ZaloAttachment =
  | { type: "template"; payload: { buttons: ZaloButton[] } }
  | {
      type: "template";
      payload: {
        template_type: "media";
        elements: { media_type: "image"; attachment_id: string }[];
        buttons?: ZaloButton[];
      };
    }
  | {
      type: "template";
      payload: { template_type: "request_user_info"; elements: { title: string; subtitle: string }[] };
    }
  | { type: "file"; payload: { token: string } };

export interface ZaloMessage {
  text?: string;
  attachment?: ZaloAttachment;
}

/** One API step: a message as it is, or an upload whose id completes the message. */
export type SendStep =
  | { kind: "message"; message: ZaloMessage }
  | { kind: "image"; png: Uint8Array; fileName: string; text?: string; buttons?: ZaloButton[] }
  | { kind: "file"; bytes: Uint8Array; fileName: string; mimeType: string };

/** The few words the channel adds itself, in the person's language. */
export interface PlanWords {
  /** Text above the buttons past the first five. */
  moreOptions: string;
  /** A document Zalo cannot carry. */
  documentUnavailable(fileName: string): string;
}

const chars = (s: string) => Array.from(s.normalize("NFC"));

function clip(s: string, max: number): string {
  const c = chars(s);
  return c.length <= max ? c.join("") : `${c.slice(0, max - 1).join("")}…`;
}

/** Splits text into pieces Zalo accepts, at a line break or a space where it can. */
export function splitText(text: string, max = TEXT_MAX): string[] {
  let rest = chars(text);
  const out: string[] = [];
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = window.lastIndexOf("\n");
    if (cut < max / 2) cut = window.lastIndexOf(" ");
    if (cut < max / 2) cut = max;
    out.push(rest.slice(0, cut).join("").trimEnd());
    rest = rest.slice(rest[cut] === "\n" || rest[cut] === " " ? cut + 1 : cut);
  }
  out.push(rest.join(""));
  return out;
}

export function toButtons(options: Option[][] | undefined): ZaloButton[] {
  return (options ?? [])
    .flat()
    .map((o) =>
      o.url
        ? { type: "oa.open.url", title: clip(o.label, BUTTON_TITLE_MAX), payload: { url: o.url } }
        : { type: "oa.query.hide", title: clip(o.label, BUTTON_TITLE_MAX), payload: optionPayload(o.id) },
    );
}

const chunk = <T>(xs: T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

const textMessage = (text: string, buttons: ZaloButton[] = []): SendStep => ({
  kind: "message",
  message: buttons.length ? { text, attachment: { type: "template", payload: { buttons } } } : { text },
});

/** Text pieces with the first five buttons under the last piece and the rest in follow-up messages. */
function textWithButtons(text: string, buttons: ZaloButton[], words: PlanWords): SendStep[] {
  const [first = [], ...more] = chunk(buttons, BUTTONS_MAX);
  const pieces = splitText(text || words.moreOptions);
  return [
    ...pieces.map((p, i) => textMessage(p, i === pieces.length - 1 ? first : [])),
    ...more.map((b) => textMessage(words.moreOptions, b)),
  ];
}

function fileType(mimeType: string, fileName: string): boolean {
  const ext = fileName.toLowerCase().split(".").pop() ?? "";
  return FILE_TYPES[mimeType] !== undefined || Object.values(FILE_TYPES).includes(ext);
}

/** The Zalo API steps for the engine's replies, in order. Zalo cannot edit a sent message: edits are new. */
export function planReplies(replies: Reply[], words: PlanWords): SendStep[] {
  return replies.flatMap((reply): SendStep[] => {
    if (reply.kind === "text") {
      if (reply.requestContact) {
        const fits = chars(reply.text).length <= INFO_SUBTITLE_MAX;
        const title = clip(reply.requestContact, INFO_TITLE_MAX);
        const elements = [{ title, subtitle: fits ? reply.text.normalize("NFC") : title }];
        const info: SendStep = {
          kind: "message",
          message: {
            attachment: { type: "template", payload: { template_type: "request_user_info", elements } },
          },
        };
        return fits ? [info] : [...splitText(reply.text).map((t) => textMessage(t)), info];
      }
      return textWithButtons(reply.text, toButtons(reply.options), words);
    }
    if (reply.kind === "photo") {
      const [first = [], ...more] = chunk(toButtons(reply.options), BUTTONS_MAX);
      const caption = reply.caption ? splitText(reply.caption) : [];
      const image: SendStep = {
        kind: "image",
        png: reply.png,
        fileName: reply.fileName ?? "image.png",
        text: caption.at(-1),
        buttons: first.length ? first : undefined,
      };
      return [
        ...caption.slice(0, -1).map((t) => textMessage(t)),
        image,
        ...more.map((b) => textMessage(words.moreOptions, b)),
      ];
    }
    // An OA has one menu for everyone, set in Zalo's own console: nothing to send for a chat's menu.
    if (reply.kind === "menu") return [];
    const caption = reply.caption ? splitText(reply.caption).map((t) => textMessage(t)) : [];
    if (fileType(reply.mimeType, reply.fileName) && reply.bytes.byteLength <= FILE_MAX_BYTES) {
      return [
        ...caption,
        { kind: "file", bytes: reply.bytes, fileName: reply.fileName, mimeType: reply.mimeType },
      ];
    }
    return [...caption, textMessage(words.documentUnavailable(reply.fileName))];
  });
}
