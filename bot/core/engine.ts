import type { Logger } from "pino";
import type { Db, Tx } from "../../db/client.js";
import { arrive } from "./arrival.js";
import { cleanInput } from "./clean-input.js";
import { CODE_FLOW, type CodeResolver, createCodeFlow } from "./code-flow.js";
import { type HomeSource, homeOptions } from "./home.js";
import { createHome, HOME_FLOW } from "./home-flow.js";
import { DEFAULT_LANG, type I18n, type Lang } from "./i18n.js";
import { commandRights, helpText } from "./menu.js";
import { prefetchFile } from "./prefetch.js";
import { text } from "./replies.js";
import { openSessionForUpdate, parseState, saveSession, sessionNeedsWrite } from "./session-store.js";
import { normalizeShortCode } from "./short-code.js";
import type {
  AnyFlow,
  Channel,
  Effect,
  EffectMap,
  FileSource,
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
  /** Files the person sent on this channel (photos, documents). */
  files?: FileSource;
}

/** What running an effect adds: more replies, and possibly a flow to start once the current one ends. */
export type EffectOutcome =
  | Reply[]
  | { replies?: Reply[]; next?: { flow: string; payload?: string } }
  | undefined;

export type EffectHandlers = {
  [K in keyof EffectMap]: (effect: { type: K } & EffectMap[K], env: EffectEnv) => Promise<EffectOutcome>;
};

/** `/start <prefix>…` deep links that open a flow, e.g. `cp_` → check-in. */
export interface DeepLink {
  prefix: string;
  flow: string;
}

/**
 * A flow everyone must pass before any other (the consent screen): while `needed`, starting another flow
 * opens the gate first and goes on there once it ends, and other input opens it over the current flow,
 * which resumes after. The language choice, /help, /cancel and the `open` flows stay reachable.
 */
export interface Gate {
  flow: string;
  needed(user: UserView): boolean;
  open: string[];
}

/** One feature's contribution to the dialog: its flows, effect handlers, deep links, idle input. */
export interface Feature {
  name: string;
  flows?: AnyFlow[];
  effects?: Partial<EffectHandlers>;
  deepLinks?: DeepLink[];
  /** Effects that change the person's own user row (language, phone): the engine reads it again after them. */
  userEffects?: (keyof EffectMap)[];
  /** Input that arrives while no flow is active (a typed short code, a photo of a QR); null: not mine. */
  idle?: (input: Input, ctx: StepContext) => StepResult | null;
  gate?: Gate;
  /** Buttons this feature adds to the home message when they fit the person now. */
  home?: HomeSource;
  /** Looks up a typed short code among this feature's (checkpoints, invitations). */
  codes?: CodeResolver;
}

/** The engine's view of the people store: it names what it needs so that core imports nothing above it. */
export interface UsersPort {
  findOrCreate(tx: Tx, ref: { channel: Channel; externalId: string; chatId: string }): Promise<UserView>;
  get(tx: Tx, userId: number): Promise<UserView | null>;
  /** A stored phone number as it is shown back to its owner. */
  displayPhone(phone: string): string;
  /** The roles the person holds (for their menu, /help and home buttons). */
  roles(tx: Tx, userId: number): Promise<string[]>;
}

export interface EngineDeps {
  db: Db;
  users: UsersPort;
  i18n: I18n;
  features: Feature[];
  clock: () => Date;
  timeZone: string;
  logger: Logger;
  /**
   * Runs in the update's transaction when the chat is listed as unreachable: someone who writes is reachable
   * again (see the outbox). The engine reads that listing with the update's first statement.
   */
  onInbound?: (tx: Tx, channel: Channel, chatId: string) => Promise<void>;
  /** Slow work on what was sent (decoding a photo) done before the transaction opens, holding no lock. */
  beforeTransaction?: (input: Input, files: FileSource | undefined) => Promise<void>;
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
  files?: FileSource;
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
  /** The commands someone holding these roles may use (none: a resident's), for menus. */
  commandsFor(roles: readonly string[]): Set<string>;
}

const MAX_CHAIN = 5;

export function createEngine(deps: EngineDeps): Engine {
  const home = createHome({
    sources: deps.features.flatMap((f) => (f.home ? [f.home] : [])),
    roles: deps.users.roles,
    displayPhone: deps.users.displayPhone,
  });
  const resolvers = deps.features.flatMap((f) => (f.codes ? [f.codes] : []));
  const builtIn: AnyFlow[] = [home.flow as AnyFlow, createCodeFlow(resolvers) as AnyFlow];
  const allFlows = [...builtIn, ...deps.features.flatMap((f) => f.flows ?? [])];
  const rights = commandRights(allFlows);
  const flows = new Map(allFlows.map((f) => [f.name, f]));
  const byCommand = new Map(allFlows.flatMap((f) => (f.commands ?? []).map((c) => [c, f] as const)));
  const deepLinks = deps.features.flatMap((f) => f.deepLinks ?? []);
  const idles = deps.features.flatMap((f) => (f.idle ? [f.idle] : []));
  const userEffects = new Set<string>(deps.features.flatMap((f) => f.userEffects ?? []));
  const gate = deps.features.find((f) => f.gate)?.gate;
  const isOpen = (flowName: string) =>
    !gate || flowName === gate.flow || flowName === "language" || gate.open.includes(flowName);
  const handlers: Partial<EffectHandlers> = Object.assign({}, ...deps.features.map((f) => f.effects ?? {}));
  const flow = (name: string) => {
    const f = flows.get(name);
    if (!f) throw new Error(`unknown flow ${name}`);
    return f;
  };

  async function handle(raw: HandleRequest): Promise<HandleResult> {
    const req = { ...raw, input: cleanInput(raw.input) };
    const now = deps.clock();
    const files = await prefetchFile(req.files, req.input);
    await deps.beforeTransaction?.(req.input, files);
    return deps.db.transaction(async (tx) => {
      const arrival = await arrive(tx, {
        channel: req.channel,
        externalUserId: req.externalUserId,
        chatId: req.chatId,
        updateId: req.updateId,
        now,
      });
      if (arrival.duplicate) return { replies: [], duplicate: true, lang: req.langHint ?? DEFAULT_LANG };
      if (arrival.unreachable) await deps.onInbound?.(tx, req.channel, req.chatId);
      let user =
        arrival.user ??
        (await deps.users.findOrCreate(tx, {
          channel: req.channel,
          externalId: req.externalUserId,
          chatId: req.chatId,
        }));
      const stored = arrival.session ?? (await openSessionForUpdate(tx, req.channel, req.chatId));
      const context = (loaded?: unknown): StepContext => {
        const lang = user.lang ?? req.langHint ?? DEFAULT_LANG;
        return {
          now,
          lang,
          t: deps.i18n.t(lang),
          user,
          timeZone: deps.timeZone,
          channel: req.channel,
          loaded,
        };
      };
      const withLoad = async (f: AnyFlow, state: FlowState | null, input: Input | null, payload?: string) =>
        context(
          f.load
            ? await f.load({ tx, user, now, state, input, payload, channel: req.channel, t: context().t })
            : undefined,
        );

      const gated = () => Boolean(gate?.needed(user));
      /** Opens the gate over `state`, which resumes once it is passed. */
      const openGate = (state: FlowState | null, after = ""): StepResult => {
        const started = flow(gate!.flow).start(context(), after);
        const resume = state ? { flow: state.flow, step: state.step, data: state.data } : undefined;
        return { ...started, state: started.state && { ...started.state, resume } };
      };
      /** Starts a flow, first through the gate, then language choice and registration when it needs a phone. */
      const startFlow = async (name: string, payload: string): Promise<StepResult> => {
        if (gated() && !isOpen(name)) return openGate(null, payload ? `${name} ${payload}` : name);
        const target = flow(name);
        if (target.requiresPhone && !user.phone) {
          const after = payload ? `${name} ${payload}` : name;
          return flow(user.lang ? "registration" : "language").start(context(), after);
        }
        return target.start(await withLoad(target, null, null, payload), payload);
      };
      const prompt = async (state: FlowState | null): Promise<Reply[]> => {
        const f = state ? flows.get(state.flow) : undefined;
        return state && f ? f.prompt(state, await withLoad(f, state, null)) : [];
      };

      const route = async (state: FlowState | null, sent: Input): Promise<StepResult> => {
        const ctx = context();
        // A home button is its command, pressed: it works from any message, whatever is going on.
        const pressed = homeOptions.match(sent, "cmd");
        const input: Input = pressed ? { kind: "command", command: pressed[0], payload: "" } : sent;
        // Commands find their own way through the gate (startFlow); anything else opens it here.
        if (gated() && input.kind !== "command" && !(state && isOpen(state.flow))) return openGate(state);
        const stay = async (key: string, vars: Record<string, string> = {}): Promise<StepResult> => ({
          state,
          replies: [text(ctx.t(key, vars)), ...(await prompt(state))],
        });
        if (input.kind === "command") {
          switch (input.command) {
            case "start": {
              const link = input.payload
                ? deepLinks.find((d) => input.payload.startsWith(d.prefix))
                : undefined;
              if (link) return startFlow(link.flow, input.payload);
              if (!user.lang) return flow("language").start(ctx, "");
              if (gated()) return openGate(state, user.phone ? "" : "registration");
              if (!user.phone) return startFlow("registration", "");
              return startFlow(HOME_FLOW, "welcome");
            }
            case "help": {
              const allowed = rights.commandsFor(await deps.users.roles(tx, user.id));
              return { state, replies: [text(helpText(ctx.t, allowed)), ...(await prompt(state))] };
            }
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
          if (target) return startFlow(target.name, input.payload);
          return stay("common:unknownCommand", { command: `/${input.command}`.slice(0, 40) });
        }
        const current = state ? flows.get(state.flow) : undefined;
        if (!state || !current) {
          for (const idle of idles) {
            const r = idle(input, ctx);
            if (r) return r;
          }
          const code = input.kind === "text" && resolvers.length ? normalizeShortCode(input.text) : null;
          if (code) return startFlow(CODE_FLOW, code);
          // Whatever it was, the person is shown what they can do now, as buttons: nobody has to type a command.
          const reason =
            input.kind === "option" ? "stale" : input.kind === "unsupported" ? "unsupported" : "unknown";
          return startFlow(HOME_FLOW, reason);
        }
        if (input.kind === "option" && !input.data.startsWith(`${current.name}:`)) {
          // A button of an earlier message that still means something (Check out) works mid-conversation;
          // the conversation then goes on where it was.
          for (const idle of idles) {
            const r = idle(input, ctx);
            if (r && !r.state && !r.next)
              return { ...r, state, replies: [...r.replies, ...(await prompt(state))] };
          }
          return stay("common:staleButton");
        }
        if (input.kind === "unsupported") return stay("common:unsupported");
        return current.step(state, input, await withLoad(current, state, input));
      };

      const previous = parseState(stored.state);
      let result = await route(previous, req.input);
      const replies: Reply[] = [];
      for (let hop = 0; ; hop++) {
        replies.push(...result.replies);
        let next = result.next;
        if (result.effects?.length) {
          const ctx = context();
          for (const effect of result.effects) {
            const handler = handlers[effect.type] as
              | ((e: Effect, env: EffectEnv) => Promise<EffectOutcome>)
              | undefined;
            if (!handler) throw new Error(`no handler for effect ${effect.type}`);
            const outcome = await handler(effect, {
              tx,
              user,
              now,
              ctx,
              channel: req.channel,
              chatId: req.chatId,
              files,
            });
            if (Array.isArray(outcome)) replies.push(...outcome);
            else if (outcome) {
              replies.push(...(outcome.replies ?? []));
              next = outcome.next ?? next;
            }
          }
          if (result.effects.some((e) => userEffects.has(e.type)))
            user = (await deps.users.get(tx, user.id)) ?? user;
        }
        if (result.state || !next || hop >= MAX_CHAIN) break;
        result = await startFlow(next.flow, next.payload ?? "");
      }
      let state = result.state;
      // A flow interrupted by /lang or the gate picks up where it was, asked again (in the new language).
      const resumes = previous?.flow === "language" || (gate && previous?.flow === gate.flow);
      if (!state && resumes && previous?.resume) {
        state = previous.resume;
        replies.push(...(await prompt(state)));
      }
      // Nothing left open and the last message leads nowhere: it gets the home buttons, so the next step is a tap.
      const last = replies.at(-1);
      if (!state && last && leadsNowhere(last) && user.phone && !gated()) {
        const options = await home.options({ tx, user, now, channel: req.channel, t: context().t });
        if (options.length) replies[replies.length - 1] = { ...last, options } as Reply;
      }
      if (sessionNeedsWrite(stored, state, now)) await saveSession(tx, req.channel, req.chatId, state, now);
      return { replies, duplicate: false, lang: context().lang, user };
    });
  }

  return { handle, t: (lang) => deps.i18n.t(lang), commandsFor: (roles) => rights.commandsFor(roles) };
}

/** A text or picture with no buttons and no keyboard of its own: the end of a conversation. */
function leadsNowhere(reply: Reply): boolean {
  if (reply.kind === "photo") return !reply.options?.length;
  if (reply.kind !== "text") return false;
  return !reply.options?.length && !reply.requestContact && !reply.removeKeyboard;
}
