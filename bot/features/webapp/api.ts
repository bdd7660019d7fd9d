import { and, eq } from "drizzle-orm";
import type { Logger } from "pino";
import { z } from "zod";
import type { Db, Tx } from "../../../db/client.js";
import { identities } from "../../../db/schema/index.js";
import type { Engine } from "../../core/engine.js";
import { DEFAULT_LANG, type I18n, type Lang, langFromCode } from "../../core/i18n.js";
import type { Channel, Input, Reply, StepContext, UserView } from "../../core/types.js";
import { enqueue } from "../../platform/outbox/enqueue.js";
import { getUser } from "../../shared/users.js";
import { checkpointCodeInQr } from "../checkpoint/index.js";
import {
  type DeclarationService,
  NONE,
  type RawAnswers,
  readWebAnswers,
  type WebFormState,
  webFields,
  webPrefill,
} from "../declaration/index.js";
import { HttpError } from "./http-io.js";
import { checkInitData } from "./init-data.js";
import type { RateLimit } from "./rate-limit.js";
import { purgeSpent, spend } from "./spent.js";
import { loadWebKey, newNonce, signToken, verifyToken } from "./tokens.js";

export const LINK_MINUTES = 15;
export const SESSION_MINUTES = 30;
/** Init data is made when the button is tapped; the page asks for its session at once. */
export const INIT_DATA_MAX_AGE_SECONDS = 600;
const FORM_MINUTES = 60;

const MIN = 60_000;

export interface ApiDeps {
  db: Db;
  i18n: I18n;
  declaration: DeclarationService;
  /** Telegram's bot token, to check init data; unset: no Mini App sessions. */
  botToken?: string;
  timeZone: string;
  clock: () => Date;
  logger: Logger;
  limits: { requests: RateLimit; submits: RateLimit };
  /** The dialog engine: a scanned code goes through the same flows as a chat message. */
  engine?: Pick<Engine, "handle">;
}

/** Who a request is from, once its session checked out. */
export interface Caller {
  user: UserView;
  channel: Channel;
  lang: Lang;
}

const rawAnswers = z.record(
  z.string().max(40),
  z.union([z.string().max(4000), z.array(z.string().max(60)).max(30)]),
);
const personId = z.number().int().positive().nullable();
const sessionBody = z.object({
  initData: z.string().max(8192).optional(),
  link: z.string().max(1024).optional(),
  /** A reload of the page: the session it kept goes on. */
  resume: z.literal(true).optional(),
});
const formBody = z.object({ personId });
const checkBody = z.object({ personId, answers: rawAnswers });
const scanBody = z.object({ text: z.string().min(1).max(2000) });
const submitBody = z.object({ personId, answers: rawAnswers, submit: z.string().max(1024) });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, "badRequest");
  return parsed.data;
}

export function createApi(deps: ApiDeps) {
  const { db, i18n } = deps;
  const env = (now: Date) => ({ now, timeZone: deps.timeZone });
  const stepContext = (c: Caller, now: Date): StepContext => ({
    now,
    lang: c.lang,
    t: i18n.t(c.lang),
    user: c.user,
    timeZone: deps.timeZone,
    channel: c.channel,
    loaded: undefined,
  });

  /** The person on the page must have registered in the chat: the page never creates anyone. */
  async function registered(tx: Tx, userId: number, hint?: Lang): Promise<Caller["user"] & { lang: Lang }> {
    const user = await getUser(tx, userId);
    if (!user) throw new HttpError(401, "unauthorized");
    if (!user.phone) throw new HttpError(403, "notRegistered");
    return { ...user, lang: user.lang ?? hint ?? DEFAULT_LANG };
  }

  /** Links for a declaration's start: the Mini App's address and a one-time link bound to this person. */
  async function links(
    tx: Tx,
    baseUrl: string,
    userId: number,
    person: number | null,
    channel: Channel,
    now: Date,
  ) {
    const key = await loadWebKey(tx, now);
    const token = signToken(key, {
      k: "l",
      u: userId,
      c: channel,
      p: person,
      e: now.getTime() + LINK_MINUTES * MIN,
      n: newNonce(),
    });
    return { webApp: `${baseUrl}/app/`, link: `${baseUrl}/app/#t=${token}` };
  }

  async function caller(tx: Tx, authorization: string | undefined, now: Date): Promise<Caller> {
    const m = /^Bearer ([\w.-]{1,1024})$/.exec(authorization ?? "");
    if (!m?.[1]) throw new HttpError(401, "unauthorized");
    const checked = verifyToken(await loadWebKey(tx, now), m[1], "s", now);
    if (!checked.ok)
      throw new HttpError(401, checked.reason === "expired" ? "sessionExpired" : "unauthorized");
    const user = await registered(tx, checked.claims.u);
    if (!deps.limits.requests.take(String(user.id), now)) throw new HttpError(429, "tooMany");
    return { user, channel: checked.claims.c, lang: user.lang };
  }

  function localized(state: WebFormState, c: Caller) {
    const t = i18n.t(c.lang);
    const errors = Object.fromEntries(
      Object.entries(state.errors).map(([id, e]) => [id, t(`declaration:errors.${e.key}`, e.vars)]),
    );
    return {
      visible: state.visible,
      optional: state.optional,
      hiddenOptions: state.hiddenOptions,
      communes: state.communes,
      errors,
    };
  }

  /** A person's form: the fields to prefill, which apply, and a one-time token for its submission. */
  async function form(tx: Tx, c: Caller, person: number | null, now: Date) {
    const prefill = await deps.declaration.prefill(tx, c.user.id, person, env(now));
    if (!prefill) throw new HttpError(403, "notYours");
    const raw = webPrefill(prefill);
    // Most people who declare here are Vietnamese; the choice stays one tap away.
    if (!("nationality" in raw)) raw.nationality = "VN";
    const state = await readWebAnswers(tx, raw, env(now));
    const key = await loadWebKey(tx, now);
    const submit = signToken(key, {
      k: "f",
      u: c.user.id,
      p: person,
      e: now.getTime() + FORM_MINUTES * MIN,
      n: newNonce(),
    });
    return {
      personId: person,
      answers: raw,
      state: localized(state, c),
      submit,
      first: Object.keys(prefill).length === 0,
    };
  }

  function page(c: Caller) {
    const t = i18n.t(c.lang);
    return {
      lang: c.lang,
      strings: i18n.instance.getResourceBundle(c.lang, "webapp") as Record<string, unknown>,
      pledge: t("declaration:pledge"),
      confirm: t("declaration:buttons.confirm"),
      fields: webFields(t),
      none: NONE,
    };
  }

  return {
    links,

    /** Opens a session from Telegram's init data or from a one-time link; each works once. */
    async session(authorization: string | undefined, body: unknown) {
      const b = parse(sessionBody, body);
      const now = deps.clock();
      return db.transaction(async (tx) => {
        if (b.resume) {
          const c = await caller(tx, authorization, now);
          const people = await deps.declaration.people(tx, c.user.id);
          const session = authorization?.slice("Bearer ".length) ?? "";
          return { session, ...page(c), people, form: await form(tx, c, null, now) };
        }
        let userId: number;
        let channel: Channel;
        let hint: Lang | undefined;
        let person: number | null = null;
        if (b.initData !== undefined) {
          if (!deps.botToken) throw new HttpError(401, "unauthorized");
          const checked = checkInitData(b.initData, deps.botToken, now, INIT_DATA_MAX_AGE_SECONDS);
          if (!checked.ok)
            throw new HttpError(401, checked.reason === "expired" ? "linkExpired" : "unauthorized");
          const expires = new Date(checked.authDate.getTime() + (INIT_DATA_MAX_AGE_SECONDS + 120) * 1000);
          if (!(await spend(tx, `i:${checked.hash}`, expires))) throw new HttpError(401, "replayed");
          const [identity] = await tx
            .select({ userId: identities.userId })
            .from(identities)
            .where(and(eq(identities.channel, "telegram"), eq(identities.externalId, checked.user.id)));
          if (!identity) throw new HttpError(403, "notRegistered");
          userId = identity.userId;
          channel = "telegram";
          hint = langFromCode(checked.user.languageCode);
        } else if (b.link !== undefined) {
          const checked = verifyToken(await loadWebKey(tx, now), b.link, "l", now);
          if (!checked.ok)
            throw new HttpError(401, checked.reason === "expired" ? "linkExpired" : "unauthorized");
          if (!(await spend(tx, `l:${checked.claims.n}`, new Date(checked.claims.e))))
            throw new HttpError(401, "replayed");
          userId = checked.claims.u;
          channel = checked.claims.c;
          person = checked.claims.p;
        } else throw new HttpError(401, "unauthorized");
        const user = await registered(tx, userId, hint);
        const c: Caller = { user, channel, lang: user.lang };
        // Spent values are kept only until they expire; sessions are rare enough to sweep them here.
        await purgeSpent(tx, now);
        if (!deps.limits.requests.take(String(user.id), now)) throw new HttpError(429, "tooMany");
        const key = await loadWebKey(tx, now);
        const session = signToken(key, {
          k: "s",
          u: user.id,
          c: channel,
          e: now.getTime() + SESSION_MINUTES * MIN,
          n: newNonce(),
        });
        const people = await deps.declaration.people(tx, user.id);
        return { session, ...page(c), people, form: await form(tx, c, person, now) };
      });
    },

    async form(authorization: string | undefined, body: unknown) {
      const b = parse(formBody, body);
      const now = deps.clock();
      return db.transaction(async (tx) => {
        const c = await caller(tx, authorization, now);
        return form(tx, c, b.personId, now);
      });
    },

    /** What applies and what is wrong with the answers so far, in the person's language. */
    async check(authorization: string | undefined, body: unknown) {
      const b = parse(checkBody, body);
      const now = deps.clock();
      return db.transaction(async (tx) => {
        const c = await caller(tx, authorization, now);
        return localized(await readWebAnswers(tx, b.answers as RawAnswers, env(now)), c);
      });
    },

    /**
     * Stores the declaration by the chat's own save path and queues the personal QR to the chat, in one
     * transaction with spending the form's token: sent twice, it is stored once.
     */
    async submit(authorization: string | undefined, body: unknown) {
      const b = parse(submitBody, body);
      const now = deps.clock();
      return db.transaction(async (tx) => {
        const c = await caller(tx, authorization, now);
        if (!deps.limits.submits.take(String(c.user.id), now)) throw new HttpError(429, "tooMany");
        const token = verifyToken(await loadWebKey(tx, now), b.submit, "f", now);
        if (!token.ok)
          throw new HttpError(401, token.reason === "expired" ? "sessionExpired" : "unauthorized");
        if (token.claims.u !== c.user.id || token.claims.p !== b.personId)
          throw new HttpError(401, "unauthorized");
        const state = await readWebAnswers(tx, b.answers as RawAnswers, env(now));
        if (Object.keys(state.errors).length > 0) return { ok: false as const, state: localized(state, c) };
        if (!(await spend(tx, `f:${token.claims.n}`, new Date(token.claims.e))))
          throw new HttpError(401, "replayed");
        const saved = await deps.declaration.submit(tx, {
          userId: c.user.id,
          personId: b.personId,
          answers: state.answers,
          now,
          ctx: stepContext(c, now),
        });
        if (!saved) throw new HttpError(403, "notYours");
        const [chat] = await tx
          .select({ chatId: identities.chatId })
          .from(identities)
          .where(and(eq(identities.userId, c.user.id), eq(identities.channel, c.channel)))
          .limit(1);
        if (chat) {
          await enqueue(tx, [
            {
              channel: c.channel,
              chatId: chat.chatId,
              dedupeKey: `webapp:qr:${saved.declarationId}`,
              reply: saved.reply,
            },
          ]);
        }
        deps.logger.info({ declaration: saved.declarationId, channel: c.channel }, "web declaration stored");
        return { ok: true as const, message: i18n.t(c.lang)("webapp:sent") };
      });
    },

    /**
     * A code read by Telegram's scanner, handed to the chat's own flows as the person's message would be:
     * staff ("staff") in /scan verify a personal QR; a visitor ("visitor") checks in at a poster's checkpoint,
     * and the confirmation (with its Check out button) is also queued to their chat.
     */
    async scanned(authorization: string | undefined, body: unknown, kind: "staff" | "visitor") {
      const b = parse(scanBody, body);
      const now = deps.clock();
      const engine = deps.engine;
      const found = await db.transaction(async (tx) => {
        const c = await caller(tx, authorization, now);
        const [identity] = await tx
          .select({ externalId: identities.externalId, chatId: identities.chatId })
          .from(identities)
          .where(and(eq(identities.userId, c.user.id), eq(identities.channel, c.channel)))
          .limit(1);
        return { c, identity };
      });
      const { c, identity } = found;
      const t = i18n.t(c.lang);
      if (!engine || !identity) throw new HttpError(403, "notRegistered");
      let input: Input;
      if (kind === "visitor") {
        const code = checkpointCodeInQr(b.text);
        if (!code) return { ok: false as const, texts: [t("webapp:scan.notPoster")] };
        input = { kind: "command", command: "start", payload: `cp_${code}` };
      } else input = { kind: "text", text: b.text.trim() };
      const result = await engine.handle({
        channel: c.channel,
        externalUserId: identity.externalId,
        chatId: identity.chatId,
        input,
      });
      if (kind === "visitor" && result.replies.length > 0) {
        const n = newNonce();
        await enqueue(
          db,
          result.replies.map((reply, i) => ({
            channel: c.channel,
            chatId: identity.chatId,
            dedupeKey: `webapp:checkin:${n}:${i}`,
            reply,
          })),
        );
      }
      return { ok: true as const, texts: result.replies.map(replyText).filter(Boolean) };
    },
  };
}

export type Api = ReturnType<typeof createApi>;

const replyText = (r: Reply) => (r.kind === "text" ? r.text : r.kind === "menu" ? "" : (r.caption ?? ""));
