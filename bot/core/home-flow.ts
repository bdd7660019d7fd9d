import type { Tx } from "../../db/client.js";
import { type HomeButton, type HomeEnv, type HomeSource, homeOptions, homeRows } from "./home.js";
import { end, text } from "./replies.js";
import type { Channel, Flow, Option, StepContext, UserView } from "./types.js";

export const HOME_FLOW = "home";

/** Why the home message is shown: its first line differs, the buttons do not. */
const HEADERS = {
  welcome: "common:home.welcome",
  registered: "common:home.registered",
  unknown: "common:home.notUnderstood",
  unsupported: "common:home.unsupported",
  stale: "common:home.stale",
} as const;
type Reason = keyof typeof HEADERS;
const isReason = (s: string): s is Reason => Object.hasOwn(HEADERS, s);

interface Loaded {
  buttons: HomeButton[];
}

export interface Home {
  /** `home` with a reason as its payload: the message with the buttons that fit the person now. */
  flow: Flow<Loaded>;
  /** The same buttons, to put under the last message of a flow that has just ended. */
  options(env: Omit<HomeEnv, "roles">): Promise<Option[][]>;
}

export function createHome(deps: {
  sources: HomeSource[];
  roles: (tx: Tx, userId: number) => Promise<string[]>;
  displayPhone: (phone: string) => string;
}): Home {
  const buttons = async (env: Omit<HomeEnv, "roles">): Promise<HomeButton[]> => {
    const roles = await deps.roles(env.tx, env.user.id);
    const out: HomeButton[] = [];
    for (const source of deps.sources) out.push(...(await source({ ...env, roles })));
    return out;
  };
  const unregistered = (ctx: StepContext): Option[][] => [
    [{ id: homeOptions.build("cmd", "start"), label: ctx.t("common:home.register") }],
  ];
  const header = (reason: Reason, user: UserView, ctx: StepContext) =>
    ctx.t(HEADERS[reason], { phone: user.phone ? deps.displayPhone(user.phone) : "" });

  const flow: Flow<Loaded> = {
    name: HOME_FLOW,
    async load(env) {
      if (!env.user.phone) return { buttons: [] };
      if (!env.t) throw new Error("home: the engine passes t to every loader");
      const channel: Channel = env.channel ?? "terminal";
      return { buttons: await buttons({ tx: env.tx, user: env.user, now: env.now, channel, t: env.t }) };
    },
    start(ctx, payload) {
      const reason: Reason = isReason(payload) ? payload : "welcome";
      if (!ctx.user.phone) {
        // Someone not registered yet is led to registration, whatever they sent.
        const first = reason === "welcome" || reason === "registered" ? "unknown" : reason;
        return end([text(ctx.t(HEADERS[first]), { options: unregistered(ctx) })]);
      }
      return end([text(header(reason, ctx.user, ctx), { options: homeRows(ctx.loaded.buttons) })]);
    },
    step: () => end([]),
    prompt: () => [],
  };
  return {
    flow,
    options: async (env) => homeRows(await buttons(env)),
  };
}
