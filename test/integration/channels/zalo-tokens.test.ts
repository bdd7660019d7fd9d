import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { refreshZaloTokens, ZaloApiError } from "../../../bot/channels/zalo/client.js";
import { createZaloTokenStore } from "../../../bot/channels/zalo/token-store.js";
import type { Database } from "../../../db/client.js";
import { zaloTokens } from "../../../db/schema/index.js";
import { type FakeZalo, startFakeZalo } from "../../fake-zalo/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";

describe("the Zalo token store", () => {
  let fake: FakeZalo;
  let fresh: FreshDatabase;
  let database: Database;
  let now = new Date("2026-11-26T03:00:00Z");
  const logger = pino({ level: "silent" });

  const store = (seed = fake.tokens.first) =>
    createZaloTokenStore({
      db: database.db,
      key: fake.oaId,
      seed,
      exchange: (refreshToken) =>
        refreshZaloTokens({
          oauthRoot: fake.apiRoot,
          appId: fake.appId,
          appSecret: fake.appSecret,
          refreshToken,
        }),
      clock: () => now,
      logger,
    });
  const row = async () => (await database.db.select().from(zaloTokens))[0];

  beforeAll(async () => {
    fresh = await freshDatabase();
    database = await fresh.open();
  });
  beforeEach(async () => {
    await fake?.close();
    fake = await startFakeZalo();
    await database.db.delete(zaloTokens);
    now = new Date("2026-11-26T03:00:00Z");
  });
  afterAll(async () => {
    await fake?.close();
    await database?.close();
    await fresh?.drop();
  });

  it("uses the environment's pair, then refreshes an hour before it may expire and stores the new pair", async () => {
    const s = store();
    await s.init();
    expect(await s.current()).toBe(fake.tokens.first.accessToken);
    expect(fake.tokens.refreshes).toBe(0);
    now = new Date(now.getTime() + 60 * 60_000);
    const fresh = await s.current();
    expect(fresh).not.toBe(fake.tokens.first.accessToken);
    expect(fake.tokens.refreshes).toBe(1);
    expect(await row()).toMatchObject({
      accessToken: fresh,
      refreshToken: fake.tokens.refreshToken,
      accessExpiresAt: new Date(now.getTime() + 90_000_000),
    });
    expect(await s.current()).toBe(fresh);
  });

  it("refreshes a token Zalo refused, once, however many callers and stores ask at the same time", async () => {
    const a = store();
    const b = store();
    await a.init();
    await b.init();
    const stale = await a.current();
    const tokens = await Promise.all([
      a.refresh(stale),
      b.refresh(stale),
      a.refresh(stale),
      b.refresh(stale),
    ]);
    expect(new Set(tokens).size).toBe(1);
    expect(fake.tokens.refreshes).toBe(1);
    expect(fake.tokens.rejectedRefreshes).toBe(0);
    expect((await row())?.refreshToken).toBe(fake.tokens.refreshToken);
  });

  it("keeps a rotated pair over the same environment, and takes a new pair from it", async () => {
    const s = store();
    await s.init();
    const rotated = await s.refresh(fake.tokens.first.accessToken);
    await store().init();
    expect((await row())?.accessToken).toBe(rotated);
    const issued = { accessToken: "admin_issued_access", refreshToken: "admin_issued_refresh" };
    await store(issued).init();
    expect(await row()).toMatchObject(issued);
  });

  it("reports a spent refresh token and leaves the stored pair as it was", async () => {
    const s = store();
    await s.init();
    // Someone else (another deployment sharing the OA) spends the refresh token.
    await refreshZaloTokens({
      oauthRoot: fake.apiRoot,
      appId: fake.appId,
      appSecret: fake.appSecret,
      refreshToken: fake.tokens.first.refreshToken,
    });
    await expect(s.refresh(fake.tokens.first.accessToken)).rejects.toMatchObject({
      name: "ZaloApiError",
      code: -14014,
    });
    expect((await row())?.refreshToken).toBe(fake.tokens.first.refreshToken);
    await expect(
      refreshZaloTokens({
        oauthRoot: fake.apiRoot,
        appId: fake.appId,
        appSecret: "wrong",
        refreshToken: "x",
      }),
    ).rejects.toBeInstanceOf(ZaloApiError);
  });
});
