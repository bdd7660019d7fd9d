import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, type Context } from "grammy";
import type { Logger } from "pino";
import type { Engine } from "../../core/engine.js";
import { DEFAULT_LANG, type I18n, LANGS, langFromCode } from "../../core/i18n.js";
import type { Metrics } from "../../platform/metrics.js";
import { telegramFiles } from "./files.js";
import { sendReplies } from "./send.js";
import { toInput } from "./to-input.js";

export interface TelegramDeps {
  token: string;
  apiRoot: string;
  engine: Engine;
  i18n: I18n;
  logger: Logger;
  metrics: Metrics;
}

/** Ask grammY to retry 429s (honouring retry_after), 5xx and network errors, within a bounded wait. */
const RETRY = {
  maxRetryAttempts: 5,
  maxDelaySeconds: 60,
  rethrowInternalServerErrors: false,
  rethrowHttpErrors: false,
};

/**
 * The Telegram channel: each update becomes an Input for the engine, and its replies go back through the
 * Bot API. Handling never throws out of here: the person is told to try again and the process goes on.
 */
export function createTelegramBot(deps: TelegramDeps): Bot {
  const bot = new Bot(deps.token, { client: { apiRoot: deps.apiRoot } });
  bot.api.config.use(autoRetry(RETRY));
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
    try {
      if (event.callback)
        await ctx.answerCallbackQuery().catch((err) => log.warn({ err }, "answerCallbackQuery"));
      const result = await deps.engine.handle({
        channel: "telegram",
        externalUserId: String(event.userId),
        chatId: String(event.chatId),
        input: event.input,
        updateId: String(ctx.update.update_id),
        langHint,
        files,
      });
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
      deps.metrics.inc("updates_failed_total");
      log.error({ err }, "update failed");
      await ctx.api
        .sendMessage(event.chatId, deps.engine.t(lang)("common:error"))
        .catch((e) => log.warn({ err: e }, "could not send the error notice"));
    }
  });

  // Reached only if something outside the handler above throws (e.g. in grammY itself).
  bot.catch((err) => deps.logger.error({ err: err.error, update_id: err.ctx.update.update_id }, "unhandled"));
  return bot;
}

/** Publishes the command menu in every language (Vietnamese is also the default for other languages). */
export async function publishCommands(bot: Bot, i18n: I18n): Promise<void> {
  for (const lang of LANGS) {
    const t = i18n.t(lang);
    const names = Object.keys(t("common:commands", { returnObjects: true }) as Record<string, string>);
    const commands = names.map((command) => ({ command, description: t(`common:commands.${command}`) }));
    await bot.api.setMyCommands(commands, { language_code: lang });
    if (lang === DEFAULT_LANG) await bot.api.setMyCommands(commands);
  }
}
