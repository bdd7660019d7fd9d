import { timingSafeEqual } from "node:crypto";
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "pino";
import { z } from "zod";
import { BodyTooLargeError, json, type RouteHandler, readBody } from "../../platform/http.js";
import type { Metrics } from "../../platform/metrics.js";

/** Telegram's updates are a few kilobytes; a megabyte leaves room and bounds what a request can cost. */
export const TELEGRAM_MAX_BODY_BYTES = 1024 * 1024;

const user = z.object({ id: z.number().int(), language_code: z.string().optional() }).loose();
const chat = z.object({ id: z.number().int(), type: z.string() }).loose();
const message = z
  .object({
    message_id: z.number().int(),
    chat,
    from: user.optional(),
    text: z.string().optional(),
    entities: z
      .array(z.object({ type: z.string(), offset: z.number(), length: z.number() }).loose())
      .optional(),
  })
  .loose();
/** The parts of an update the bot reads; anything else in it is passed through untouched. */
const updateSchema = z
  .object({
    update_id: z.number().int().nonnegative(),
    message: message.optional(),
    callback_query: z
      .object({ id: z.string(), from: user, data: z.string().optional(), message: message.optional() })
      .loose()
      .optional(),
  })
  .loose();

function sameSecret(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface TelegramWebhookDeps {
  bot: Bot;
  secret: string;
  logger: Logger;
  metrics: Metrics;
  maxBodyBytes?: number;
}

/**
 * POST <webhook path>: 401 without the secret, 413 over the size cap, 400 for a body that is not an update,
 * 200 once the update is handled (its transaction committed), 500 when it was not and must come again.
 */
export function createTelegramWebhook(deps: TelegramWebhookDeps): RouteHandler {
  const max = deps.maxBodyBytes ?? TELEGRAM_MAX_BODY_BYTES;
  return async (req, res) => {
    if (!sameSecret(req.headers["x-telegram-bot-api-secret-token"], deps.secret)) {
      req.resume();
      return json(res, 401, { error: "secret" });
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, max);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) throw err;
      deps.metrics.inc("webhook_rejected_total");
      res.setHeader("connection", "close");
      return json(res, 413, { error: "too large" });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      deps.metrics.inc("webhook_rejected_total");
      return json(res, 400, { error: "not JSON" });
    }
    const parsed = updateSchema.safeParse(body);
    if (!parsed.success) {
      deps.metrics.inc("webhook_rejected_total");
      deps.logger.warn(
        { issues: parsed.error.issues.slice(0, 3).map((i) => i.path.join(".")) },
        "bad update",
      );
      return json(res, 400, { error: "not an update" });
    }
    try {
      await deps.bot.handleUpdate(parsed.data as unknown as Update);
    } catch {
      // Logged by the bot; Telegram delivers the update again after a 5xx.
      return json(res, 500, { error: "try again" });
    }
    json(res, 200, { ok: true });
  };
}
