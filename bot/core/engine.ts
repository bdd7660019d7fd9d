import type { Logger } from "pino";
import type { Db, Tx } from "../../db/client.js";
import { DEFAULT_LANG, type I18n, type Lang } from "../i18n.js";
import { formatPhone } from "../services/phone.js";
import { findOrCreateUser, getUser } from "../services/users.js";
import { text } from "./replies.js";
import { claimUpdate, loadSessionForUpdate, saveSession } from "./session-store.js";
import type {
  Channel,
  Effect,
  Flow,
  FlowState,
  Input,
  Reply,
  StepContext,
  StepResult,
  UserView,
} from "./types.js";

export interface EffectEnv {
  tx: Tx;
  user: UserView;
  now: Date;
  ctx: StepContext;
  channel: Channel;
  chatId: string;
}

export type EffectHandlers = {
  [K in Effect["type"]]: (
    effect: Extract<Effect, { type: K }>,
    env: EffectEnv,
  ) => Promise<Reply[] | undefined>;
};

/** `/start <prefix>…` deep links that open a flow, e.g. `cp_` → check-in. */
export interface DeepLink {
  prefix: string;
  flow: string;
}

export interface EngineDeps {
  db: Db;
  i18n: I18n;
  flows: Flow[];
  effects: EffectHandlers;
  deepLinks?: DeepLink[];
  clock: () => Date;
  timeZone: string;
  logger: Logger;
}

export interface HandleRequest {
  channel: Channel;
  externalUserId: string;
  chatId: string;
  input: Input;
  /** The channel's id for this delivery; a second delivery with the same id has no effect. */
  updateId?: string;
  /** The language the channel says the person uses, for someone who has not chosen one yet. */
  langHint?: Lang;
}

export interface HandleResult {
  replies: Reply[];
  duplicate: boolean;
  lang: Lang;
  user?: UserView;
}

export interface Engine {
  handle(req: HandleRequest): Promise<HandleResult>;
  /** Localised text for replies produced outside a flow (the error boundary). */
  t(lang: Lang): StepContext["t"];
}

const MAX_CHAIN = 5;

export function createEngine(deps: EngineDeps): Engine {
  const flows = new Map(deps.flows.map((f) => [f.name, f]));
  const byCommand = new Map(deps.flows.flatMap((f) => (f.commands ?? []).map((c) => [c, f] as const)));
  const flow = (name: string) => {
    const f = flows.get(name);
    if (!f) throw new Error(`unknown flow ${name}`);
    return f;
  };

  function context(user: UserView, req: HandleRequest, now: Date): StepContext {
    const lang = user.lang ?? req.langHint ?? DEFAULT_LANG;
    return { now, lang, t: deps.i18n.t(lang), user, timeZone: deps.timeZone, channel: req.channel };
  }

  /** Starts a flow, first through language choice and registration when it needs a phone. */
  function startFlow(name: string, payload: string, ctx: StepContext): StepResult {
    const target = flow(name);
    if (target.requiresPhone && !ctx.user.phone) {
      const after = payload ? `${name} ${payload}` : name;
      return ctx.user.lang ? flow("registration").start(ctx, after) : flow("language").start(ctx, after);
    }
    return target.start(ctx, payload);
  }

  function onStart(payload: string, ctx: StepContext): StepResult {
    const link = payload ? deps.deepLinks?.find((d) => payload.startsWith(d.prefix)) : undefined;
    if (link) return startFlow(link.flow, payload, ctx);
    if (!ctx.user.lang) return flow("language").start(ctx, "");
    if (!ctx.user.phone) return flow("registration").start(ctx, "");
    return {
      state: null,
      replies: [text(ctx.t("common:welcomeBack", { phone: formatPhone(ctx.user.phone) }))],
    };
  }

  function prompt(state: FlowState | null, ctx: StepContext): Reply[] {
    if (!state) return [];
    return flows.get(state.flow)?.prompt(state, ctx) ?? [];
  }

  function route(state: FlowState | null, input: Input, ctx: StepContext): StepResult {
    const stay = (key: string, vars: Record<string, string> = {}): StepResult => ({
      state,
      replies: [text(ctx.t(key, vars)), ...prompt(state, ctx)],
    });
    if (input.kind === "command") {
      switch (input.command) {
        case "start":
          return onStart(input.payload, ctx);
        case "help":
          return { state, replies: [text(ctx.t("common:help")), ...prompt(state, ctx)] };
        case "cancel":
          return state
            ? { state: null, replies: [text(ctx.t("common:cancelled"), { removeKeyboard: true })] }
            : { state: null, replies: [text(ctx.t("common:nothingToCancel"))] };
        case "lang": {
          const started = flow("language").start(ctx, "");
          const resume = state ? { flow: state.flow, step: state.step, data: state.data } : undefined;
          return { ...started, state: started.state && { ...started.state, resume } };
        }
      }
      const target = byCommand.get(input.command);
      if (target) return startFlow(target.name, input.payload, ctx);
      return stay("common:unknownCommand", { command: `/${input.command}`.slice(0, 40) });
    }
    const current = state ? flows.get(state.flow) : undefined;
    if (!state || !current) {
      if (input.kind === "option") return { state: null, replies: [text(ctx.t("common:staleButton"))] };
      if (input.kind === "unsupported") return { state: null, replies: [text(ctx.t("common:unsupported"))] };
      return { state: null, replies: [text(ctx.t("common:notUnderstood"))] };
    }
    if (input.kind === "option" && !input.data.startsWith(`${current.name}:`))
      return stay("common:staleButton");
    if (input.kind === "unsupported") return stay("common:unsupported");
    return current.step(state, input, ctx);
  }

  async function handle(req: HandleRequest): Promise<HandleResult> {
    const now = deps.clock();
    return deps.db.transaction(async (tx) => {
      if (req.updateId !== undefined && !(await claimUpdate(tx, req.channel, req.updateId, now))) {
        return { replies: [], duplicate: true, lang: req.langHint ?? DEFAULT_LANG };
      }
      let user = await findOrCreateUser(tx, {
        channel: req.channel,
        externalId: req.externalUserId,
        chatId: req.chatId,
      });
      let ctx = context(user, req, now);
      const previous = await loadSessionForUpdate(tx, req.channel, req.chatId);
      let result = route(previous, req.input, ctx);
      const replies: Reply[] = [];
      for (let hop = 0; ; hop++) {
        replies.push(...result.replies);
        if (result.effects?.length) {
          for (const effect of result.effects) {
            const handler = deps.effects[effect.type] as (
              e: Effect,
              env: EffectEnv,
            ) => Promise<Reply[] | undefined>;
            const more = await handler(effect, {
              tx,
              user,
              now,
              ctx,
              channel: req.channel,
              chatId: req.chatId,
            });
            if (more) replies.push(...more);
          }
          user = (await getUser(tx, user.id)) ?? user;
          ctx = context(user, req, now);
        }
        if (result.state || hop >= MAX_CHAIN) break;
        if (result.next) {
          result = startFlow(result.next.flow, result.next.payload ?? "", ctx);
          continue;
        }
        break;
      }
      let state = result.state;
      // A flow interrupted by /lang picks up where it was, asked again in the new language.
      if (!state && previous?.flow === "language" && previous.resume) {
        state = previous.resume;
        replies.push(...prompt(state, ctx));
      }
      await saveSession(tx, req.channel, req.chatId, state, now);
      return { replies, duplicate: false, lang: ctx.lang, user };
    });
  }

  return { handle, t: (lang) => deps.i18n.t(lang) };
}
