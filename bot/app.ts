import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import type { Bot } from "grammy";
import type { DestinationStream, Logger } from "pino";
import pino from "pino";
import { type Database, openDatabase, type StatementObserver } from "../db/client.js";
import { createTelegramBot, publishCommands } from "./channels/telegram/bot.js";
import { createTelegramOutboxTransport } from "./channels/telegram/outbox-transport.js";
import { createTelegramWebhook } from "./channels/telegram/webhook.js";
import { startTerminalChat, type TerminalChat } from "./channels/terminal/terminal.js";
import { startZaloChannel, ZALO_WEBHOOK_PATH, type ZaloChannel } from "./channels/zalo/channel.js";
import { createZaloOutboxTransport } from "./channels/zalo/outbox-transport.js";
import { createEngine, type Engine } from "./core/engine.js";
import { createI18n } from "./core/i18n.js";
import { withPhoneListeners } from "./core/phone-listeners.js";
import { accountFeature } from "./features/account/index.js";
import { checkpointFeature, ensureVisitPartitions } from "./features/checkpoint/index.js";
import { createDeclaration } from "./features/declaration/index.js";
import { invitationFeature, roleInvitationKind } from "./features/invitation/index.js";
import { monitoringFeature, monitoringPhoneListener } from "./features/monitoring/index.js";
import { groupInvitationKind } from "./features/monitoring/invitation.js";
import { privacyFeature } from "./features/privacy/index.js";
import { riskFeature, riskQrNote, riskStatsSection, riskVenueNotes } from "./features/risk/index.js";
import { safetyFeature, safetyStatsSection, safetyVenueNotes } from "./features/safety/index.js";
import { tracingFeature } from "./features/tracing/index.js";
import { createWebApp, type WebApp } from "./features/webapp/index.js";
import { scheduleJobs } from "./jobs.js";
import { type Background, type ChannelTransport, startBackground } from "./platform/background.js";
import type { Config } from "./platform/config.js";
import { type HttpServer, json, type RouteHandler, startHttpServer } from "./platform/http.js";
import { createLogger } from "./platform/logger.js";
import { createMetrics } from "./platform/metrics.js";
import { markReachable } from "./platform/outbox/enqueue.js";
import { ensureAdminUnits } from "./shared/admin-units.js";
import { createLinks } from "./shared/links.js";
import { createQrDecoderPool } from "./shared/qr/decode-pool.js";
import { decodeAhead } from "./shared/qr/photo-input.js";
import { publishKeys } from "./shared/qr/published-keys.js";
import { loadSigningKeys } from "./shared/qr/signing-keys.js";
import { TOKEN_PREFIX } from "./shared/qr/token.js";
import { queueAllRoleMenus } from "./shared/role-menu.js";
import { ensureTelegramAdmins, ROLES } from "./shared/roles.js";
import { findOrCreateUser, usersPort } from "./shared/users.js";

/** Where the public keys of the personal QR are served (see README, "Verifying personal QR codes elsewhere"). */
export const QR_KEYS_PATH = "/qr/keys";

export interface AppOptions {
  clock?: () => Date;
  /** The terminal chat's streams; it opens when no channel is configured and these are a TTY (or forced). */
  stdin?: Readable & { isTTY?: boolean };
  stdout?: Writable;
  logDestination?: DestinationStream;
  /** Sees every statement sent to the database, with its connection (benches and tests count them). */
  onStatement?: StatementObserver;
  /** Called when the terminal's input ends and everything typed has been answered. */
  onTerminalClose?: () => void;
}

export interface App {
  config: Config;
  database: Database;
  engine: Engine;
  logger: Logger;
  telegram?: Bot;
  zalo?: ZaloChannel;
  http?: HttpServer;
  terminal?: TerminalChat;
  /** Outbox senders and the scheduler (features' jobs; tests fire ticks with `scheduler.runNow`). */
  background?: Background;
  stop(): Promise<void>;
}

export class NoChannelError extends Error {
  constructor() {
    super(
      "No channel to run: set TELEGRAM_BOT_TOKEN (or ZALO_OA_ACCESS_TOKEN), or run `npm start` in a terminal " +
        "(TERMINAL_CHAT=on forces the terminal chat).",
    );
    this.name = "NoChannelError";
  }
}

/** Changes whenever a command is added or moves to other roles: the role holders' menus are then published again. */
function menuVersion(engine: Engine): string {
  const menus = ROLES.map((role) => `${role}=${[...engine.commandsFor([role])].sort().join(",")}`);
  return createHash("sha256").update(menus.join(";")).digest("hex").slice(0, 12);
}

/** Wires everything from a parsed config and starts every configured channel. */
export async function startApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const stdin = opts.stdin ?? process.stdin;
  const hasChannel = Boolean(config.telegram || config.zalo);
  const wantsTerminal =
    !hasChannel && (config.terminalChat === "on" || (config.terminalChat === "auto" && Boolean(stdin.isTTY)));
  if (!hasChannel && !wantsTerminal) throw new NoChannelError();

  // The terminal chat owns stdout, so its logs go to a file.
  const logDestination =
    opts.logDestination ??
    (wantsTerminal
      ? pino.destination({ dest: join(config.dataDir, "bot.log"), mkdir: true, sync: false })
      : undefined);
  const logger = createLogger({
    level: config.logLevel,
    secrets: [
      config.telegram?.token,
      config.telegram?.webhook?.secret,
      config.zalo?.accessToken,
      config.zalo?.refreshToken,
      config.zalo?.appSecret,
      config.zalo?.webhookSecret,
    ],
    destination: logDestination,
  });
  const clock = opts.clock ?? (() => new Date());
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    preparedStatements: config.preparedStatements,
    onStatement: opts.onStatement,
  });
  logger.info({ database: database.kind }, "database ready");
  const unitsStarted = performance.now();
  const units = await ensureAdminUnits(database.db, clock());
  if (units.communes > 0)
    logger.info({ ...units, ms: Math.round(performance.now() - unitsStarted) }, "official unit list loaded");
  // Today's and the next days' visit partitions, before the first check-in (the hourly job keeps them ahead).
  const partitions = await ensureVisitPartitions(database.db, clock(), config.timeZone);
  if (partitions.created.length > 0 || partitions.skipped.length > 0)
    logger.info(partitions, "visit partitions made");

  await ensureTelegramAdmins(database.db, config.adminTelegramIds, (ref) =>
    findOrCreateUser(database.db, ref),
  );
  const i18n = createI18n();
  const metrics = createMetrics();
  // The page and the declaration need each other: the page saves through it, its start offers the page.
  let webapp: WebApp | undefined;
  const declaration = createDeclaration({
    qrSigningKey: config.qrSigningKey,
    qrValidDays: config.qrValidDays,
    followUps: ["checkin"],
    qrNotes: [riskQrNote()],
    webAppUrl: config.webappUrl,
    webLink: config.webappUrl
      ? (tx, userId, personId, now, channel) =>
          webapp ? webapp.webLink(tx, userId, personId, now, channel) : Promise.resolve(null)
      : undefined,
  });
  // Links and codes for every channel this deployment runs (the bot's username is known once Telegram starts).
  const links = createLinks({
    botUsername: () => app.telegram?.botInfo.username,
    zalo: config.zalo ? { oaId: config.zalo.oaId } : undefined,
  });
  const decoder = createQrDecoderPool({
    workers: config.qrDecode.workers,
    queue: config.qrDecode.queue,
    maxPixels: config.qrDecode.megapixels * 1_000_000,
    onDecode: (when) => metrics.inc(`qr_decodes_${when}_total`),
  });
  const engine = createEngine({
    db: database.db,
    users: usersPort,
    i18n,
    features: [
      withPhoneListeners(accountFeature(), [monitoringPhoneListener()]),
      invitationFeature({
        kinds: [roleInvitationKind(), groupInvitationKind({ timeZone: config.timeZone })],
      }),
      declaration.feature,
      checkpointFeature({
        links,
        i18n,
        scanWebAppUrl: config.webappUrl ? `${config.webappUrl}/app/?screen=scan` : undefined,
        qrSigningKey: config.qrSigningKey,
        dailyCap: config.checkinDailyCap,
        decoder,
        notes: [safetyVenueNotes(), riskVenueNotes()],
        timeZone: config.timeZone,
      }),
      safetyFeature({ validDays: config.safety.validDays }),
      riskFeature({ i18n, matrix: config.riskMatrix }),
      monitoringFeature({
        i18n,
        timeZone: config.timeZone,
        links,
      }),
      privacyFeature({ timeZone: config.timeZone, retention: config.retention }),
      tracingFeature({
        i18n,
        qrSigningKey: config.qrSigningKey,
        links,
        bufferMinutes: config.traceBufferMinutes,
        decoder,
        statsSections: [riskStatsSection(), safetyStatsSection()],
      }),
    ],
    clock,
    timeZone: config.timeZone,
    logger,
    onInbound: (tx, channel, chatId) => markReachable(tx, channel, chatId),
    // A photo or an image file is decoded in a worker before the transaction; the effect gets the result.
    beforeTransaction: decodeAhead(decoder),
  });

  const routes = new Map<string, RouteHandler>();
  const pages = new Map<string, RouteHandler>();
  if (config.webappUrl) {
    webapp = createWebApp({
      db: database.db,
      i18n,
      declaration: declaration.service,
      baseUrl: config.webappUrl,
      botToken: config.telegram?.token,
      timeZone: config.timeZone,
      clock,
      logger,
      engine,
    });
    for (const [path, handler] of webapp.api) routes.set(path, handler);
    for (const [path, handler] of webapp.pages) pages.set(path, handler);
  }
  const stops: (() => Promise<void>)[] = [() => decoder.close()];
  const app: App = { config, database, engine, logger, stop: async () => {} };

  try {
    if (config.telegram) {
      const bot = createTelegramBot({
        ...config.telegram,
        engine,
        i18n,
        logger,
        metrics,
        onTransient: config.telegram.webhook ? "redeliver" : "retry",
        rateLimit: config.rateLimit,
      });
      await bot.init();
      await publishCommands(bot, i18n, engine.commandsFor([])).catch((err) =>
        logger.warn({ err }, "setMyCommands failed"),
      );
      // Role holders' own menus, queued once per version of the menus (the outbox publishes them).
      const queued = await queueAllRoleMenus(database.db, menuVersion(engine));
      if (queued > 0) logger.info({ queued }, "role menus queued");
      const webhook = config.telegram.webhook;
      if (webhook) {
        routes.set(
          new URL(webhook.url).pathname,
          createTelegramWebhook({ bot, secret: webhook.secret, logger, metrics }),
        );
        await bot.api.setWebhook(webhook.url, {
          secret_token: webhook.secret,
          allowed_updates: ["message", "callback_query"],
        });
        logger.info({ bot: bot.botInfo.username }, "telegram webhook set");
      } else {
        void bot
          .start({
            allowed_updates: ["message", "callback_query"],
            onStart: () => logger.info("telegram polling"),
          })
          .catch((err) => logger.fatal({ err }, "telegram polling stopped"));
        stops.push(async () => {
          if (bot.isRunning()) await bot.stop();
        });
      }
      app.telegram = bot;
    }
    if (config.zalo) {
      const zalo = await startZaloChannel({
        config: config.zalo,
        db: database.db,
        engine,
        logger,
        metrics,
        clock,
        rateLimit: config.rateLimit,
      });
      routes.set(ZALO_WEBHOOK_PATH, zalo.webhook);
      // Pushed before the HTTP server's stop, so it runs after it: no new events, then the last ones finish.
      stops.push(() => zalo.stop());
      app.zalo = zalo;
      logger.info({ path: ZALO_WEBHOOK_PATH }, "zalo webhook ready");
    }
    if (config.port !== undefined) {
      pages.set(QR_KEYS_PATH, async (_req, res) => {
        const keys = await loadSigningKeys(database.db, {
          configured: config.qrSigningKey,
          now: clock(),
        });
        const doc = publishKeys(keys, { tokenPrefix: TOKEN_PREFIX, tokenValidDays: config.qrValidDays });
        json(res, 200, doc, { "cache-control": "max-age=300" });
      });
      app.http = await startHttpServer({
        port: config.port,
        logger,
        metrics,
        ping: database.ping,
        routes,
        pages,
      });
      const http = app.http;
      stops.push(() => http.close());
    }
    if (wantsTerminal) {
      app.terminal = startTerminalChat({
        engine,
        logger,
        input: stdin,
        output: opts.stdout ?? process.stdout,
        outDir: join(config.dataDir, "out"),
        onClose: opts.onTerminalClose,
      });
      const terminal = app.terminal;
      stops.push(async () => terminal.close());
    }
    const terminal = app.terminal;
    const transports: ChannelTransport[] = [];
    if (app.telegram && config.telegram) {
      const transport = createTelegramOutboxTransport(app.telegram.api, {
        menus: { i18n, commandsFor: (roles) => engine.commandsFor(roles) },
      });
      transports.push({ channel: "telegram", token: config.telegram.token, transport });
    }
    if (app.zalo && config.zalo) {
      transports.push({
        channel: "zalo",
        token: config.zalo.appId,
        transport: createZaloOutboxTransport(app.zalo),
      });
    }
    if (terminal) {
      transports.push({
        channel: "terminal",
        token: "terminal",
        transport: async (msg) => {
          await terminal.show([msg.reply]);
          return { kind: "ok" };
        },
      });
    }
    app.background = startBackground({ config, database, logger, clock, transports, metrics });
    const background = app.background;
    stops.push(() => background.stop());
    scheduleJobs(background.scheduler, { config, db: database.db, i18n, logger, clock });
  } catch (err) {
    await Promise.allSettled(stops.map((s) => s()));
    await database.close();
    throw err;
  }

  let stopped = false;
  app.stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const stop of stops.reverse()) await stop().catch((err) => logger.warn({ err }, "stop failed"));
    await database.close();
    logger.flush();
  };
  return app;
}
