import type { TFunction } from "i18next";
import type { Tx } from "../../db/client.js";
import type { Lang } from "./i18n.js";

export type Channel = "telegram" | "zalo" | "terminal";

/** What a person did, whatever the channel. */
export type Input =
  | { kind: "command"; command: string; payload: string }
  | { kind: "text"; text: string }
  /** A button press; `data` is the option id the bot sent. */
  | { kind: "option"; data: string }
  /** A shared phone number; `own` is true only when the channel vouches it is the sender's own. */
  | { kind: "contact"; phone: string; own: boolean }
  | { kind: "photo"; fileRef: string; size?: number }
  | { kind: "document"; fileRef: string; fileName?: string; mimeType?: string; size?: number }
  | { kind: "location"; latitude: number; longitude: number }
  /** Anything else (sticker, voice, video…): answered, never acted on. */
  | { kind: "unsupported"; what: string };

/** A button. `id` comes back as an option input; keep it under 64 bytes (Telegram's callback_data limit). */
export interface Option {
  id: string;
  label: string;
  /** A link button: opens this address instead of coming back as an option input. */
  url?: string;
  /** With `url`, on Telegram: open it as a Mini App inside the chat (other channels open it as a link). */
  webApp?: boolean;
}

export type Reply =
  | {
      kind: "text";
      text: string;
      /** Rows of buttons. */
      options?: Option[][];
      /** Ask for the sender's own phone number with a button carrying this label. */
      requestContact?: string;
      /** Remove a reply keyboard left by an earlier contact request. */
      removeKeyboard?: boolean;
      /** Replace the message whose button was just pressed instead of sending a new one. */
      edit?: boolean;
    }
  | {
      kind: "photo";
      png: Uint8Array;
      caption?: string;
      options?: Option[][];
      fileName?: string;
      /** The text a QR in the picture encodes, so a terminal can draw it. */
      qr?: string;
    }
  | { kind: "document"; bytes: Uint8Array; fileName: string; mimeType: string; caption?: string }
  /**
   * The chat's own command menu, for the roles its person now holds (queued through the outbox when a role is
   * granted or revoked). Channels without a per-chat menu let it pass silently.
   */
  | { kind: "menu"; roles: string[] };

/** What a step may know about the person, read before the step runs. */
export interface UserView {
  id: number;
  lang: Lang | null;
  phone: string | null;
  /** The privacy notice version the person agreed to; null or absent: not (yet) agreed. */
  consentVersion?: number | null;
}

/** Conversation state kept per chat; `data` belongs to the flow and is validated by it. */
export interface FlowState {
  flow: string;
  step: string;
  data: Record<string, unknown>;
  /** A flow interrupted by /lang or a gate (the consent screen), resumed when it ends. */
  resume?: { flow: string; step: string; data: Record<string, unknown> };
}

/** What a step knows; `L` is what its flow's `load` returned (undefined for flows without one). */
export interface StepContext<L = unknown> {
  now: Date;
  lang: Lang;
  t: TFunction;
  user: UserView;
  timeZone: string;
  channel: Channel;
  /** What the flow's `load` read from the database for this step. */
  loaded: L;
}

/**
 * Domain changes a step may ask for, by type. Each feature adds its own with declaration merging:
 *   declare module "../../core/types.js" { interface EffectMap { "declaration.save": { answers: … } } }
 * The engine runs them in the same transaction as the session save.
 */
export interface EffectMap {
  "account.setLang": { lang: Lang };
  "account.setPhone": { phone: string };
}

export type Effect = { [K in keyof EffectMap]: { type: K } & EffectMap[K] }[keyof EffectMap];

export interface StepResult {
  /** Next state; null ends the flow. */
  state: FlowState | null;
  replies: Reply[];
  effects?: Effect[];
  /** When the flow ends, start this one (e.g. the language choice leads into registration). */
  next?: { flow: string; payload?: string };
}

interface FlowSteps<L> {
  name: string;
  /** Commands that start this flow from anywhere. */
  commands?: string[];
  /** Flows that need a verified phone start registration first and come back here. */
  requiresPhone?: boolean;
  /**
   * The roles whose holders this flow's commands are for (administrators hold them all): they are left out of
   * everyone else's command menu and /help. Unset: a command for everyone. The flow still checks rights itself.
   */
  roles?: readonly string[];
  start(ctx: StepContext<L>, payload: string): StepResult;
  step(state: FlowState, input: Input, ctx: StepContext<L>): StepResult;
  /** The current question again, after /help, /lang or an input the step did not expect. */
  prompt(state: FlowState, ctx: StepContext<L>): Reply[];
}

/**
 * A conversation. `L` is what its `load` reads from the database (a previous declaration, a person's
 * groups…) before `start`, `step` or `prompt` runs; it arrives typed as `ctx.loaded`, keeping the steps pure.
 * A flow with no `load` has `L = undefined`; one with an `L` must have a `load`.
 */
export type Flow<L = undefined> = FlowSteps<L> &
  ([L] extends [undefined] ? { load?: undefined } : { load(env: LoadEnv): Promise<L> });

/** Any flow, whatever it loads: what features hand to the engine. */
export type AnyFlow = FlowSteps<unknown> & { load?(env: LoadEnv): Promise<unknown> };

export interface LoadEnv {
  tx: Tx;
  user: UserView;
  now: Date;
  state: FlowState | null;
  input: Input | null;
  /** The start payload when the flow is being started. */
  payload?: string;
  /** The channel of the chat (a link to send back depends on it). */
  channel?: Channel;
  /** The person's language, for what a loader reads to be shown (button labels). */
  t?: TFunction;
}

/** Reads a file a person sent (a photo's or document's fileRef), refusing anything over maxBytes. */
export interface FileSource {
  fetch(fileRef: string, maxBytes: number): Promise<Buffer>;
}

export class FileTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`file of ${size} bytes is over the ${limit}-byte limit`);
    this.name = "FileTooLargeError";
  }
}
