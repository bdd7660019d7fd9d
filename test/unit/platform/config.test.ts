import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../bot/platform/config.js";

describe("loadConfig", () => {
  it("defaults to embedded PGlite, Vietnam time and no channel", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ dataDir: "./data", timeZone: "Asia/Ho_Chi_Minh", adminTelegramIds: [] });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.telegram).toBeUndefined();
  });

  it("reads the per-chat limits and the photo decoding pool, with defaults", () => {
    const d = loadConfig({});
    expect(d.rateLimit).toEqual({ burst: 8, perMinute: 30 });
    expect(d.qrDecode.workers).toBeGreaterThanOrEqual(1);
    expect(d.qrDecode).toMatchObject({ queue: 16, megapixels: 160 });
    const c = loadConfig({
      RATE_LIMIT_BURST: "4",
      RATE_LIMIT_PER_MINUTE: "60",
      QR_DECODE_WORKERS: "3",
      QR_DECODE_QUEUE: "0",
      QR_DECODE_MEGAPIXELS: "80",
    });
    expect(c.rateLimit).toEqual({ burst: 4, perMinute: 60 });
    expect(c.qrDecode).toEqual({ workers: 3, queue: 0, megapixels: 80 });
    expect(() => loadConfig({ RATE_LIMIT_BURST: "0" })).toThrow(/RATE_LIMIT_BURST/);
    expect(() => loadConfig({ QR_DECODE_WORKERS: "0" })).toThrow(/QR_DECODE_WORKERS/);
  });

  it("reads a Telegram webhook setup", () => {
    const c = loadConfig({
      TELEGRAM_BOT_TOKEN: "123:abc-DEF",
      TELEGRAM_API_ROOT: "http://127.0.0.1:9000/",
      TELEGRAM_WEBHOOK_URL: "https://bot.example.org/tg/hook",
      TELEGRAM_WEBHOOK_SECRET: "s3cret_value",
      PORT: "8080",
      ADMIN_TELEGRAM_IDS: " 11, 22 ",
    });
    expect(c.telegram).toEqual({
      token: "123:abc-DEF",
      apiRoot: "http://127.0.0.1:9000",
      webhook: { url: "https://bot.example.org/tg/hook", secret: "s3cret_value" },
      chatRatePerSecond: 1,
    });
    expect(c.port).toBe(8080);
    expect(c.adminTelegramIds).toEqual(["11", "22"]);
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", TELEGRAM_BOT_TOKEN: "" }).databaseUrl).toBeUndefined();
  });

  it("lists every problem at once", () => {
    let error: unknown;
    try {
      loadConfig({
        TELEGRAM_BOT_TOKEN: "nonsense",
        TELEGRAM_WEBHOOK_URL: "https://x.example/hook",
        PORT: "http",
        TZ_REPORTING: "Mars/Olympus",
        ADMIN_TELEGRAM_IDS: "12,abc",
        DATABASE_URL: "not a url",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    for (const field of [
      "TELEGRAM_BOT_TOKEN",
      "PORT",
      "TZ_REPORTING",
      "ADMIN_TELEGRAM_IDS",
      "DATABASE_URL",
      "TELEGRAM_WEBHOOK_SECRET",
    ]) {
      expect(problems).toContain(field);
    }
  });
});
