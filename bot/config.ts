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
  ZALO_OA_ACCESS_TOKEN: optionalString,
  ZALO_APP_SECRET: optionalString,
  ZALO_API_ROOT: optionalUrl,
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  QR_SIGNING_KEY: optionalString,
  ADMIN_TELEGRAM_IDS: idList,
  TZ_REPORTING: optionalString.default("Asia/Ho_Chi_Minh").refine(isTimeZone, "unknown IANA time zone"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  TERMINAL_CHAT: z.enum(["auto", "on", "off"]).default("auto"),
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
  return problems;
}

export interface Config {
  databaseUrl?: string;
  dataDir: string;
  telegram?: {
    token: string;
    apiRoot: string;
    webhook?: { url: string; secret: string };
  };
  zalo?: { accessToken: string; appSecret?: string; apiRoot?: string };
  port?: number;
  qrSigningKey?: string;
  adminTelegramIds: string[];
  timeZone: string;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  terminalChat: "auto" | "on" | "off";
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
    dataDir: e.DATA_DIR,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
          webhook:
            e.TELEGRAM_WEBHOOK_URL && e.TELEGRAM_WEBHOOK_SECRET
              ? { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET }
              : undefined,
        }
      : undefined,
    zalo: e.ZALO_OA_ACCESS_TOKEN
      ? { accessToken: e.ZALO_OA_ACCESS_TOKEN, appSecret: e.ZALO_APP_SECRET, apiRoot: e.ZALO_API_ROOT }
      : undefined,
    port: e.PORT,
    qrSigningKey: e.QR_SIGNING_KEY,
    adminTelegramIds: e.ADMIN_TELEGRAM_IDS,
    timeZone: e.TZ_REPORTING,
    logLevel: e.LOG_LEVEL,
    terminalChat: e.TERMINAL_CHAT,
  };
}
