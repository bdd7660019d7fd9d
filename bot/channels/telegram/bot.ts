import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, type Context } from "grammy";
import type { Logger } from "pino";
import { isTransientDbError } from "../../../db/errors.js";
import type { Engine } from "../../core/engine.js";
import { DEFAULT_LANG, type I18n, LANGS, langFromCode } from "../../core/i18n.js";
import { menuEntries } from "../../core/menu.js";
import type { Metrics } from "../../platform/metrics.js";
import { createChatPacer, createRateLimiter } from "../../platform/rate-limit.js";
import { telegramFiles } from "./files.js";
import { sendReplies } from "./send.js";
import { toInput } from "./to-input.js";

export interface TelegramDeps {
  token: string;
  apiRoot: string;
  /** Messages to one chat per second, after a burst of three. */
  chatRatePerSecond: number;
  engine: Engine;
  i18n: I18n;
  logger: Logger;
  metrics: Metrics;
  /**
   * What to do when an update's transaction fails for a reason that may pass (the database is down, a
   * serialization failure): `redeliver` throws, so the webhook answers 5xx and Telegram sends it again;
   * `retry` (long polling) tries again here until it passes, before the offset moves past it.
   */
  onTransient: "redeliver" | "retry";
  rateLimit: { burst: number; perMinute: number };
  /** Waits between in-place retries; default 0.5 s doubling up to 5 s. */
  retryDelayMs?: (attempt: number) => number;
}

/** Thrown out of the middleware for an update that was not handled and must come again. */
export class RedeliverError extends Error {
  constructor(cause: unknown) {
    super("update not handled, to be delivered again", { cause });
    this.name = "RedeliverError";
  }
}

/** Methods that put a message in a chat: paced per chat at Telegram's limit (about one a second). */
const PACED = new Set([
  "sendMessage",
  "sendPhoto",
  "sendDocument",
  "sendMediaGroup",
  "editMessageText",
  "editMessageReplyMarkup",
  "copyMessage",
  "forwardMessage",
]);

/** Ask grammY to retry 429s (honouring retry_after), 5xx and network errors, within a bounded wait. */
const RETRY = {
  maxRetryAttempts: 5,
  maxDelaySeconds: 60,
  rethrowInternalServerErrors: false,
  rethrowHttpErrors: false,
};

/**
 * The Telegram channel: each update becomes an Input for the engine, and its replies go back through the
 * Bot API. Handling never throws out of here, except to have an update delivered again (`RedeliverError`):
 * a failure that will not pass by retrying is answered with "try again" and the process goes on.
 */
export function createTelegramBot(deps: TelegramDeps): Bot {
  const bot = new Bot(deps.token, { client: { apiRoot: deps.apiRoot } });
  bot.api.config.use(autoRetry(RETRY));
  // A burst of 3, then about one message a second per chat: a busy chat waits its turn rather than drawing
  // 429s, which Telegram would answer with a pause for the whole bot.
  const pacer = createChatPacer({ burst: 3, intervalMs: 1000 / deps.chatRatePerSecond });
  bot.api.config.use(async (prev, method, payload, signal) => {
    const chat = (payload as { chat_id?: unknown }).chat_id;
    if (chat !== undefined && PACED.has(method)) await pacer.slot(String(chat));
    return prev(method, payload, signal);
  });
  const limiter = createRateLimiter(deps.rateLimit);
  const retryDelay = deps.retryDelayMs ?? ((n: number) => Math.min(500 * 2 ** n, 5000));
  const files = telegramFiles(bot.api, deps);

  bot.use(async (ctx: Context) => {
    const event = toInput(ctx.update);
    const log = deps.logger.child({ update_id: ctx.update.update_id });
    if (!event) {
      log.debug("update ignored");
      return;
    }
    const started = performance.now();
    const langHint = langFromCode(event.languageCode);
    let lang = langHint ?? DEFAULT_LANG;
    const verdict = limiter.take(String(event.chatId), Date.now());
    if (verdict !== "handle") {
      deps.metrics.inc("updates_rate_limited_total");
      if (verdict === "warn") {
        log.info("rate limited");
        await ctx.api
          .sendMessage(event.chatId, deps.engine.t(lang)("common:slowDown"))
          .catch((err) => log.warn({ err }, "could not send the slow-down notice"));
      }
      return;
    }
    const handleOnce = () =>
      deps.engine.handle({
        channel: "telegram",
        externalUserId: String(event.userId),
        chatId: String(event.chatId),
        input: event.input,
        updateId: String(ctx.update.update_id),
        langHint,
        files,
      });
    try {
      if (event.callback)
        await ctx.answerCallbackQuery().catch((err) => log.warn({ err }, "answerCallbackQuery"));
      let result: Awaited<ReturnType<typeof handleOnce>> | undefined;
      for (let attempt = 0; !result; attempt++) {
        try {
          result = await handleOnce();
        } catch (err) {
          if (!isTransientDbError(err)) throw err;
          deps.metrics.inc("updates_transient_failures_total");
          if (deps.onTransient === "redeliver") throw new RedeliverError(err);
          if (!bot.isRunning()) throw new RedeliverError(err);
          log.warn({ err, attempt }, "update failed for now, retrying");
          await new Promise((r) => setTimeout(r, retryDelay(attempt)));
        }
      }
      lang = result.lang;
      if (result.duplicate) {
        deps.metrics.inc("updates_duplicate_total");
        log.info("duplicate update skipped");
        return;
      }
      await sendReplies(ctx.api, event.chatId, result.replies, event.callback?.messageId);
      deps.metrics.inc("updates_handled_total");
      log.info({ input: event.input.kind, ms: Math.round(performance.now() - started) }, "update handled");
    } catch (err) {
      if (err instanceof RedeliverError) {
        log.warn({ err: err.cause }, "update not handled; Telegram will deliver it again");
        throw err;
      }
      deps.metrics.inc("updates_failed_total");
      log.error({ err }, "update failed");
      await ctx.api
        .sendMessage(event.chatId, deps.engine.t(lang)("common:error"))
        .catch((e) => log.warn({ err: e }, "could not send the error notice"));
    }
  });

  // Reached only if something outside the handler above throws (e.g. in grammY itself).
  bot.catch((err) => {
    if (err.error instanceof RedeliverError) return;
    deps.logger.error({ err: err.error, update_id: err.ctx.update.update_id }, "unhandled");
  });
  return bot;
}

/** Publishes the command menu in every language (Vietnamese is also the default for other languages). */
/** The menu everyone sees: residents' commands only; role holders get theirs per chat (see menu-transport.ts). */
export async function publishCommands(bot: Bot, i18n: I18n, allowed: Set<string>): Promise<void> {
  for (const lang of LANGS) {
    const commands = menuEntries(i18n.t(lang), allowed);
    await bot.api.setMyCommands(commands, { language_code: lang });
    if (lang === DEFAULT_LANG) await bot.api.setMyCommands(commands);
  }
}
