import type { Logger } from "pino";
import type { Db } from "../../../db/client.js";
import { isTransientDbError } from "../../../db/errors.js";
import type { Engine } from "../../core/engine.js";
import { DEFAULT_LANG, type Lang } from "../../core/i18n.js";
import type { FileSource, Reply } from "../../core/types.js";
import type { Config } from "../../platform/config.js";
import type { RouteHandler } from "../../platform/http.js";
import type { Metrics } from "../../platform/metrics.js";
import { createRateLimiter, type RateLimiterOptions } from "../../platform/rate-limit.js";
import { checkZaloWindow, recordZaloInteraction } from "../../shared/zalo-interactions.js";
import { createZaloClient, refreshZaloTokens, ZaloApiError, type ZaloClient } from "./client.js";
import type { ZaloEvent } from "./events.js";
import { createZaloFiles } from "./files.js";
import { type PlanWords, planReplies } from "./messages.js";
import { sendSteps } from "./send.js";
import { createZaloTokenStore } from "./token-store.js";
import { createZaloWebhook } from "./webhook.js";

export const ZALO_WEBHOOK_PATH = "/zalo/webhook";

export interface ZaloChannelDeps {
  config: NonNullable<Config["zalo"]>;
  db: Db;
  engine: Engine;
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
  fetch?: typeof fetch;
  /** Signed deliveries older than this are refused (default 15 min). */
  maxEventAgeMs?: number;
  /** Answer Zalo after this at the latest (default 1.5 s; Zalo gives up at 2 s). */
  ackWithinMs?: number;
  /** Waits before retrying a call after a network error or 5xx. */
  backoffMs?: number[];
  /** How often the token is checked for an early refresh, so it never lapses while no one writes. */
  tokenCheckMs?: number;
  /** Inbound events per chat (RATE_LIMIT_*), as on Telegram; unset: no limit. */
  rateLimit?: RateLimiterOptions;
}

/** What an outbox transport returns for one send. */
export type ZaloSendOutcome =
  | { ok: true }
  | { retryAfter: number }
  | { unreachable: true; reason: string }
  | { transient: true; error: string };

export interface ZaloChannel {
  webhook: RouteHandler;
  files: FileSource;
  client: ZaloClient;
  /**
   * Sends replies to a chat outside any conversation (reminders, notices): refused as unreachable outside
   * the messaging window, and Zalo's answer classified for the outbox sender.
   */
  deliver(chatId: string, replies: Reply[], opts?: { lang?: Lang; paid?: boolean }): Promise<ZaloSendOutcome>;
  /** Resolves once every event received so far has been handled and answered. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** Zalo refuses these for the person, not for the message: trying again will not help. */
/** In-process retries of an event whose transaction failed for now: about 20 s in all. */
const TRANSIENT_RETRIES = 6;

const UNREACHABLE = new Set([-213, -217, -227, -230, -232, -244]);

/** Wires the Zalo OA channel: webhook → engine → Open API, tokens and interactions in the database. */
export async function startZaloChannel(deps: ZaloChannelDeps): Promise<ZaloChannel> {
  const { config, db, engine, logger, metrics, clock } = deps;
  const log = logger.child({ channel: "zalo" });
  const tokens = createZaloTokenStore({
    db,
    key: config.oaId ?? config.appId,
    seed: { accessToken: config.accessToken, refreshToken: config.refreshToken },
    exchange: (refreshToken) => refreshZaloTokens({ ...config, refreshToken, fetch: deps.fetch }),
    clock,
    logger: log,
  });
  await tokens.init();
  const client = createZaloClient({
    apiRoot: config.apiRoot,
    tokens,
    logger: log,
    fetch: deps.fetch,
    backoffMs: deps.backoffMs,
  });
  const files = createZaloFiles({ fetch: deps.fetch });
  const words = (lang: Lang): PlanWords => ({
    moreOptions: engine.t(lang)("zalo:moreOptions"),
    documentUnavailable: (fileName) => engine.t(lang)("zalo:documentUnavailable", { fileName }),
  });
  const inflight = new Set<Promise<void>>();

  const limiter = deps.rateLimit && createRateLimiter(deps.rateLimit);

  /**
   * An event over the chat's limit is answered 200 (Zalo must not send it again) and dropped before it
   * touches the database; the first of a burst gets one "please slow down", in the default language since
   * looking the person's up would cost the very statement the limit saves.
   */
  function limited(event: ZaloEvent): { committed: Promise<"stored"> } | null {
    const verdict = limiter?.take(event.userId, Date.now()) ?? "handle";
    if (verdict === "handle") return null;
    metrics.inc("zalo_updates_rate_limited_total");
    if (verdict === "warn") {
      log.info({ zalo_update: event.updateId }, "rate limited");
      const task = client.sendMessage(event.userId, { text: engine.t(DEFAULT_LANG)("common:slowDown") }).then(
        () => {},
        (err) => log.warn({ err }, "could not send the slow-down notice"),
      );
      inflight.add(task);
      void task.finally(() => inflight.delete(task));
    }
    return { committed: Promise.resolve("stored") };
  }

  function handle(event: ZaloEvent): { committed: Promise<"stored" | "retry" | "failed"> } {
    const dropped = limited(event);
    if (dropped) return dropped;
    const elog = log.child({ zalo_update: event.updateId });
    let markCommitted: (outcome: "stored" | "retry" | "failed") => void = () => {};
    const committed = new Promise<"stored" | "retry" | "failed">((resolve) => (markCommitted = resolve));
    const task = (async () => {
      const started = performance.now();
      let lang: Lang = DEFAULT_LANG;
      let stored = false;
      try {
        let result: Awaited<ReturnType<typeof engine.handle>> | undefined;
        // A failure that may pass (the database is down) is tried again here, and the webhook answers 503
        // if it is still waiting; a re-delivery meanwhile is a duplicate and changes nothing.
        for (let attempt = 0; !result; attempt++) {
          try {
            const now = clock();
            await recordZaloInteraction(db, event.userId, event.at && event.at < now ? event.at : now);
            result = await engine.handle({
              channel: "zalo",
              externalUserId: event.userId,
              chatId: event.userId,
              input: event.input,
              updateId: event.updateId,
              files,
            });
          } catch (err) {
            if (!isTransientDbError(err) || attempt >= TRANSIENT_RETRIES) throw err;
            markCommitted("retry");
            elog.warn({ err, attempt }, "zalo update failed for now, retrying");
            await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 5000)));
          }
        }
        stored = true;
        markCommitted("stored");
        lang = result.lang;
        if (result.duplicate) {
          metrics.inc("zalo_updates_duplicate_total");
          elog.info("duplicate zalo event skipped");
          return;
        }
        await sendSteps(client, event.userId, planReplies(result.replies, words(lang)));
        metrics.inc("zalo_updates_handled_total");
        elog.info(
          { event: event.name, input: event.input.kind, ms: Math.round(performance.now() - started) },
          "zalo update handled",
        );
      } catch (err) {
        markCommitted(isTransientDbError(err) ? "retry" : "failed");
        metrics.inc("zalo_updates_failed_total");
        elog.error({ err }, stored ? "zalo replies failed" : "zalo update failed");
        // The person hears that it failed only when the failure was ours and will not pass by retrying.
        if (!stored && !isTransientDbError(err)) {
          await client
            .sendMessage(event.userId, { text: engine.t(lang)("common:error") })
            .catch((e) => elog.warn({ err: e }, "could not send the error notice"));
        }
      }
    })();
    inflight.add(task);
    void task.finally(() => inflight.delete(task));
    return { committed };
  }

  const webhook = createZaloWebhook({
    appId: config.appId,
    oaId: config.oaId,
    secret: config.webhookSecret,
    clock,
    logger: log,
    metrics,
    maxAgeMs: deps.maxEventAgeMs ?? 15 * 60_000,
    ackWithinMs: deps.ackWithinMs ?? 1500,
    handle,
  });

  const timer = setInterval(
    () => {
      tokens.current().catch((err) => log.warn({ err }, "zalo token check failed"));
    },
    deps.tokenCheckMs ?? 15 * 60_000,
  );
  timer.unref();

  const settled = async () => {
    while (inflight.size) await Promise.allSettled([...inflight]);
  };

  return {
    webhook,
    files,
    client,
    settled,
    async deliver(chatId, replies, opts = {}) {
      const refusal = await checkZaloWindow(db, chatId, clock(), { paid: opts.paid });
      if (refusal) return refusal;
      try {
        await sendSteps(client, chatId, planReplies(replies, words(opts.lang ?? DEFAULT_LANG)));
        return { ok: true };
      } catch (err) {
        if (err instanceof ZaloApiError && UNREACHABLE.has(err.code))
          return { unreachable: true, reason: `zalo ${err.code}` };
        if (err instanceof ZaloApiError && err.code === -32) return { retryAfter: 60 };
        return { transient: true, error: String(err) };
      }
    },
    async stop() {
      clearInterval(timer);
      await settled();
    },
  };
}
