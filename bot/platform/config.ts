import { availableParallelism } from "node:os";
import { z } from "zod";

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === "" ? undefined : s))
  .optional();

const optionalUrl = z
  .string()
  .trim()
  .transform((s) => (s === "" ? undefined : s))
  .pipe(z.url().optional())
  .optional();

const idList = z
  .string()
  .optional()
  .transform((s, ctx) => {
    const parts = (s ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean);
    for (const p of parts) {
      if (!/^\d{1,20}$/.test(p)) {
        ctx.addIssue({ code: "custom", message: `"${p}" is not a numeric Telegram user id` });
      }
    }
    return parts;
  });

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const envSchema = z.object({
  DATABASE_URL: optionalUrl,
  DATA_DIR: optionalString.default("./data"),
  DATABASE_PREPARED_STATEMENTS: z.enum(["on", "off"]).default("on"),
  TELEGRAM_BOT_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(/^\d+:[\w-]+$/, "must look like 123456:ABC-DEF…")
      .optional(),
  ),
  TELEGRAM_API_ROOT: optionalUrl.default("https://api.telegram.org"),
  TELEGRAM_WEBHOOK_URL: optionalUrl,
  TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, "1–256 characters of A–Z, a–z, 0–9, _ and -")
      .optional(),
  ),
  ZALO_APP_ID: optionalString.pipe(
    z
      .string()
      .regex(/^\d{1,32}$/, "the numeric app id")
      .optional(),
  ),
  ZALO_APP_SECRET: optionalString,
  ZALO_OA_ID: optionalString.pipe(
    z
      .string()
      .regex(/^\d{1,32}$/, "the numeric OA id")
      .optional(),
  ),
  ZALO_OA_ACCESS_TOKEN: optionalString,
  ZALO_REFRESH_TOKEN: optionalString,
  ZALO_WEBHOOK_SECRET: optionalString,
  ZALO_API_ROOT: optionalUrl,
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  WEBAPP_URL: optionalUrl.pipe(
    z
      .string()
      .regex(/^https?:\/\/[^/?#]+$/, "the page's origin only, like https://bot.example.org")
      .optional(),
  ),
  QR_SIGNING_KEY: optionalString,
  QR_VALID_DAYS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).max(90).default(7)),
  ADMIN_TELEGRAM_IDS: idList,
  TZ_REPORTING: optionalString.default("Asia/Ho_Chi_Minh").refine(isTimeZone, "unknown IANA time zone"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  TERMINAL_CHAT: z.enum(["auto", "on", "off"]).default("auto"),
  DIGEST_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM, 24-hour")
    .default("10:00"),
  RELEASE_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM, 24-hour")
    .default("07:00"),
  VISIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(21),
  MONITORING_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
  TRACE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(21),
  PROCESSED_UPDATE_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  DECLARATION_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(28),
  DRAFT_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  TRACE_BUFFER_MINUTES: z.coerce.number().int().min(0).max(240).default(15),
  CHECKIN_DAILY_CAP: z.coerce.number().int().min(0).max(1000).default(30),
  SAFETY_VALID_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  SAFETY_REMIND_HOURS: z.coerce.number().int().min(1).max(240).default(24),
  RISK_MATRIX: optionalString,
  OUTBOX_RATE_PER_SECOND: z.coerce.number().positive().max(10_000).default(25),
  OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(10).max(3600).default(60),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  TELEGRAM_CHAT_RATE_PER_SECOND: z.coerce.number().positive().max(10_000).default(1),
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1000).default(8),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().positive().max(6000).default(30),
  QR_DECODE_WORKERS: optionalString.pipe(
    z.coerce.number<string | undefined>().int().min(1).max(64).optional(),
  ),
  QR_DECODE_QUEUE: z.coerce.number().int().min(0).max(1000).default(16),
  QR_DECODE_MEGAPIXELS: z.coerce.number().positive().max(10_000).default(160),
});

/** Settings that need one another; checked on the raw environment so they are reported with the rest. */
function crossFieldProblems(env: Record<string, string | undefined>): string[] {
  const set = (k: string) => (env[k] ?? "").trim() !== "";
  const problems: string[] = [];
  if (set("TELEGRAM_WEBHOOK_URL")) {
    for (const k of ["TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_BOT_TOKEN", "PORT"]) {
      if (!set(k)) problems.push(`${k}: required when TELEGRAM_WEBHOOK_URL is set`);
    }
  }
  if (set("WEBAPP_URL") && !set("PORT")) problems.push("PORT: required when WEBAPP_URL is set");
  if (set("ZALO_OA_ACCESS_TOKEN")) {
    for (const k of ["ZALO_APP_ID", "ZALO_APP_SECRET", "ZALO_REFRESH_TOKEN", "PORT"]) {
      if (!set(k)) problems.push(`${k}: required when ZALO_OA_ACCESS_TOKEN is set`);
    }
  }
  return problems;
}

export interface Config {
  databaseUrl?: string;
  /** Named prepared statements on PostgreSQL; off behind a transaction-pooling PgBouncer older than 1.21. */
  preparedStatements: boolean;
  dataDir: string;
  telegram?: {
    token: string;
    apiRoot: string;
    webhook?: { url: string; secret: string };
    /** Messages to one chat per second, after a burst of a few (Telegram's advice: about one). */
    chatRatePerSecond: number;
  };
  zalo?: {
    appId: string;
    appSecret: string;
    /** When set, events for another OA are ignored and the OA id may start the webhook signature. */
    oaId?: string;
    /** The first token pair; once stored, the database holds the rotated ones. */
    accessToken: string;
    refreshToken: string;
    /** The key that ends the signed string of a webhook (the OA secret key; default the app secret). */
    webhookSecret: string;
    /** Messages and uploads. */
    apiRoot: string;
    /** Token refresh. */
    oauthRoot: string;
  };
  port?: number;
  /** The public origin that reaches PORT, where the declaration page is served; unset: no page. */
  webappUrl?: string;
  qrSigningKey?: string;
  /** How many days a health declaration and its personal QR stay valid. */
  qrValidDays: number;
  adminTelegramIds: string[];
  timeZone: string;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  terminalChat: "auto" | "on" | "off";
  outbox: { ratePerSecond: number; leaseSeconds: number; maxAttempts: number };
  monitoring: { digestTime: string; releaseTime: string };
  retention: {
    visitDays: number;
    monitoringDays: number;
    traceDays: number;
    processedUpdateDays: number;
    declarationDays: number;
    draftDays: number;
  };
  traceBufferMinutes: number;
  /** Check-ins a person may make by themselves per local day; null: no cap. */
  checkinDailyCap: number | null;
  /** Inbound updates per chat: a token bucket of `burst`, refilled at `perMinute`. */
  rateLimit: { burst: number; perMinute: number };
  /** Photo decoding: worker threads, photos waiting beyond those decoding, megapixels in work at once. */
  qrDecode: { workers: number; queue: number; megapixels: number };
  /** How long a venue's self-assessment counts, and how long before it lapses its managers are reminded. */
  safety: { validDays: number; remindHours: number };
  /** RISK_MATRIX: the area-level threshold matrix as JSON (checked by the risk feature at start); unset: built in. */
  riskMatrix?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** The only place the environment is interpreted; everything else receives a Config. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`)),
    ...crossFieldProblems(env),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    preparedStatements: e.DATABASE_PREPARED_STATEMENTS === "on",
    dataDir: e.DATA_DIR,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
          chatRatePerSecond: e.TELEGRAM_CHAT_RATE_PER_SECOND,
          webhook:
            e.TELEGRAM_WEBHOOK_URL && e.TELEGRAM_WEBHOOK_SECRET
              ? { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET }
              : undefined,
        }
      : undefined,
    zalo:
      e.ZALO_OA_ACCESS_TOKEN && e.ZALO_APP_ID && e.ZALO_APP_SECRET && e.ZALO_REFRESH_TOKEN
        ? {
            appId: e.ZALO_APP_ID,
            appSecret: e.ZALO_APP_SECRET,
            oaId: e.ZALO_OA_ID,
            accessToken: e.ZALO_OA_ACCESS_TOKEN,
            refreshToken: e.ZALO_REFRESH_TOKEN,
            webhookSecret: e.ZALO_WEBHOOK_SECRET ?? e.ZALO_APP_SECRET,
            // One root for everything when set (tests, a proxy); else Zalo's two real hosts.
            apiRoot: (e.ZALO_API_ROOT ?? "https://openapi.zalo.me").replace(/\/+$/, ""),
            oauthRoot: (e.ZALO_API_ROOT ?? "https://oauth.zaloapp.com").replace(/\/+$/, ""),
          }
        : undefined,
    port: e.PORT,
    webappUrl: e.WEBAPP_URL?.replace(/\/+$/, ""),
    qrSigningKey: e.QR_SIGNING_KEY,
    qrValidDays: e.QR_VALID_DAYS,
    adminTelegramIds: e.ADMIN_TELEGRAM_IDS,
    timeZone: e.TZ_REPORTING,
    logLevel: e.LOG_LEVEL,
    terminalChat: e.TERMINAL_CHAT,
    monitoring: { digestTime: e.DIGEST_TIME, releaseTime: e.RELEASE_TIME },
    retention: {
      visitDays: e.VISIT_RETENTION_DAYS,
      monitoringDays: e.MONITORING_RETENTION_DAYS,
      traceDays: e.TRACE_RETENTION_DAYS,
      processedUpdateDays: e.PROCESSED_UPDATE_RETENTION_DAYS,
      declarationDays: e.DECLARATION_RETENTION_DAYS,
      draftDays: e.DRAFT_RETENTION_DAYS,
    },
    traceBufferMinutes: e.TRACE_BUFFER_MINUTES,
    checkinDailyCap: e.CHECKIN_DAILY_CAP === 0 ? null : e.CHECKIN_DAILY_CAP,
    safety: { validDays: e.SAFETY_VALID_DAYS, remindHours: e.SAFETY_REMIND_HOURS },
    riskMatrix: e.RISK_MATRIX,
    outbox: {
      ratePerSecond: e.OUTBOX_RATE_PER_SECOND,
      leaseSeconds: e.OUTBOX_LEASE_SECONDS,
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
    },
    rateLimit: { burst: e.RATE_LIMIT_BURST, perMinute: e.RATE_LIMIT_PER_MINUTE },
    qrDecode: {
      workers: e.QR_DECODE_WORKERS ?? Math.max(1, availableParallelism() - 1),
      queue: e.QR_DECODE_QUEUE,
      megapixels: e.QR_DECODE_MEGAPIXELS,
    },
  };
}
