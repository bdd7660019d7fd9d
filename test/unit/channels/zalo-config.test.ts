import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../bot/platform/config.js";

const zalo = {
  ZALO_APP_ID: "3608465248940903967",
  ZALO_APP_SECRET: "app_secret",
  ZALO_OA_ACCESS_TOKEN: "first_access",
  ZALO_REFRESH_TOKEN: "first_refresh",
  PORT: "8080",
};

describe("the Zalo settings", () => {
  it("go to Zalo's real hosts and verify webhooks with the app secret unless told otherwise", () => {
    expect(loadConfig(zalo).zalo).toEqual({
      appId: "3608465248940903967",
      appSecret: "app_secret",
      oaId: undefined,
      accessToken: "first_access",
      refreshToken: "first_refresh",
      webhookSecret: "app_secret",
      apiRoot: "https://openapi.zalo.me",
      oauthRoot: "https://oauth.zaloapp.com",
    });
  });

  it("send everything to ZALO_API_ROOT when it is set, and take the OA secret key for webhooks", () => {
    const c = loadConfig({
      ...zalo,
      ZALO_API_ROOT: "http://127.0.0.1:9100/",
      ZALO_WEBHOOK_SECRET: "oa_secret",
      ZALO_OA_ID: "388613280878808645",
    });
    expect(c.zalo).toMatchObject({
      apiRoot: "http://127.0.0.1:9100",
      oauthRoot: "http://127.0.0.1:9100",
      webhookSecret: "oa_secret",
      oaId: "388613280878808645",
    });
  });

  it("are off without an access token, and complete or refused with one", () => {
    expect(loadConfig({ ZALO_APP_SECRET: "x" }).zalo).toBeUndefined();
    let error: unknown;
    try {
      loadConfig({ ZALO_OA_ACCESS_TOKEN: "t", ZALO_APP_ID: "abc" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    for (const k of ["ZALO_APP_ID", "ZALO_APP_SECRET", "ZALO_REFRESH_TOKEN", "PORT"])
      expect(problems).toContain(k);
  });
});
