import { end, rows, text } from "../../core/replies.js";
import type {
  Flow,
  FlowState,
  Input,
  LoadEnv,
  Option,
  Reply,
  StepContext,
  StepResult,
} from "../../core/types.js";
import { normalizePhone } from "../../shared/phone.js";
import { qrImageOf } from "../../shared/qr/photo-input.js";
import { personalTokenIn } from "../../shared/qr/read-photo.js";
import { checkpointsOf } from "./checkpoints.js";
import type {} from "./effects.js";
import { SCAN_FLOW, scanOptions } from "./options.js";

export { SCAN_FLOW };

/** The buttons under every scan result, so staff can go on without typing. */
export function scanButtons(ctx: StepContext, webAppUrl?: string): Option[][] {
  const scanner =
    webAppUrl && ctx.channel === "telegram"
      ? // A link button: its id never comes back.
        [
          [
            {
              id: scanOptions.build("app"),
              label: ctx.t("checkpoint:scan.appButton"),
              url: webAppUrl,
              webApp: true,
            },
          ],
        ]
      : [];
  return [
    ...scanner,
    [
      { id: scanOptions.build("manual"), label: ctx.t("checkpoint:scan.manualButton") },
      { id: scanOptions.build("done"), label: ctx.t("checkpoint:scan.doneButton") },
    ],
  ];
}

interface Place {
  id: number;
  name: string;
}

const placeOf = (state: FlowState): Place => ({
  id: Number(state.data.checkpointId),
  name: String(state.data.checkpointName ?? ""),
});

function scanning(place: Place, ctx: StepContext, webAppUrl?: string): StepResult {
  return {
    state: { flow: SCAN_FLOW, step: "scan", data: { checkpointId: place.id, checkpointName: place.name } },
    replies: [
      text(ctx.t("checkpoint:scan.ready", { name: place.name }), { options: scanButtons(ctx, webAppUrl) }),
    ],
  };
}

function fileOf(input: Input): { fileRef: string; size?: number } | "pdf" | null {
  const image = qrImageOf(input);
  if (image) return image;
  if (
    input.kind === "document" &&
    (input.mimeType === "application/pdf" || /\.pdf$/i.test(input.fileName ?? ""))
  )
    return "pdf";
  return null;
}

function step(state: FlowState, input: Input, ctx: StepContext, webAppUrl?: string): StepResult {
  const is = (action: "manual" | "done") => scanOptions.match(input, action) !== null;
  if (state.step === "choose") {
    const places = (state.data.places ?? []) as Place[];
    const at = scanOptions.match(input, "at")?.[0];
    const chosen = places.find((p) => p.id === at);
    if (!chosen)
      return { state, replies: [text(ctx.t("checkpoint:scan.useButtons")), ...prompt(state, ctx)] };
    return scanning(chosen, ctx, webAppUrl);
  }
  const place = placeOf(state);
  if (is("done")) return end([text(ctx.t("checkpoint:scan.finished"))]);
  if (state.step === "scan") {
    if (is("manual"))
      return { state: { ...state, step: "name" }, replies: [text(ctx.t("checkpoint:scan.askName"))] };
    const file = fileOf(input);
    if (file === "pdf") return { state, replies: [text(ctx.t("checkpoint:photo.pdf"))] };
    // The text of a personal QR, as Telegram's scanner in the web page reads it (or someone pastes it).
    const token = input.kind === "text" ? personalTokenIn([input.text]) : undefined;
    if (token)
      return {
        state,
        replies: [],
        effects: [{ type: "checkpoint.staffToken", checkpointId: place.id, token }],
      };
    if (file)
      return {
        state,
        replies: [],
        effects: [{ type: "checkpoint.staffPhoto", checkpointId: place.id, ...file }],
      };
    return { state, replies: [text(ctx.t("checkpoint:scan.sendPhoto"), { options: scanButtons(ctx) })] };
  }
  if (state.step === "name") {
    const name = input.kind === "text" ? input.text.trim().replace(/\s+/g, " ") : "";
    if (name.length < 2 || name.length > 100)
      return { state, replies: [text(ctx.t("checkpoint:scan.badName"))] };
    return {
      state: { ...state, step: "phone", data: { ...state.data, name } },
      replies: [text(ctx.t("checkpoint:scan.askPhone"))],
    };
  }
  if (state.step === "phone") {
    const phone =
      input.kind === "contact"
        ? normalizePhone(input.phone, { international: true })
        : normalizePhone(input.kind === "text" ? input.text : "");
    if (!phone) return { state, replies: [text(ctx.t("checkpoint:scan.badPhone"))] };
    const name = String(state.data.name ?? "");
    const back = scanning(place, ctx);
    return {
      state: back.state,
      replies: [],
      effects: [{ type: "checkpoint.staffManual", checkpointId: place.id, name, phone }],
    };
  }
  return end([text(ctx.t("common:error"))]);
}

function prompt(state: FlowState, ctx: StepContext): Reply[] {
  if (state.step === "choose") {
    const places = (state.data.places ?? []) as Place[];
    return [
      text(ctx.t("checkpoint:scan.choose"), {
        options: rows(places.map((p) => ({ id: scanOptions.build("at", p.id), label: p.name }))),
      }),
    ];
  }
  if (state.step === "name") return [text(ctx.t("checkpoint:scan.askName"))];
  if (state.step === "phone") return [text(ctx.t("checkpoint:scan.askPhone"))];
  return [text(ctx.t("checkpoint:scan.ready", { name: placeOf(state).name }), { options: scanButtons(ctx) })];
}

/**
 * /scan: staff mode. Each photo of a resident's personal QR (or a dependent's card) checks them in at the
 * staff's checkpoint; "By name and phone" checks in someone without a smartphone. Stays on until Done.
 */
export function createScanFlow(opts: { webAppUrl?: string } = {}): Flow<Place[] | undefined> {
  return {
    name: SCAN_FLOW,
    commands: ["scan"],
    roles: ["checkpoint_staff", "checkpoint_manager"],
    requiresPhone: true,
    async load(env: LoadEnv) {
      if (env.state) return undefined;
      const places = await checkpointsOf(env.tx, env.user.id, ["checkpoint_staff", "checkpoint_manager"]);
      return places.slice(0, 30).map((c) => ({ id: c.id, name: c.name }));
    },
    start(ctx) {
      const places = ctx.loaded ?? [];
      if (places.length === 0) return end([text(ctx.t("checkpoint:scan.notStaff"))]);
      if (places.length === 1) return scanning(places[0]!, ctx, opts.webAppUrl);
      const state: FlowState = { flow: SCAN_FLOW, step: "choose", data: { places } };
      return { state, replies: prompt(state, ctx) };
    },
    step: (state, input, ctx) => step(state, input, ctx, opts.webAppUrl),
    prompt,
  };
}
