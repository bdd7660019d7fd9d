import { createHash } from "node:crypto";
import { and, eq, ne } from "drizzle-orm";
import type { Logger } from "pino";
import type { Db } from "../../../db/client.js";
import { zaloTokens } from "../../../db/schema/index.js";
import type { FreshTokens, TokenSource } from "./client.js";

export interface TokenStoreDeps {
  db: Db;
  /** The row's key: the OA id, or the app id. */
  key: string;
  /** The pair from the environment, used until the first rotation. */
  seed: { accessToken: string; refreshToken: string };
  /** Trades a refresh token for a new pair (Zalo's /v4/oa/access_token). */
  exchange(refreshToken: string): Promise<FreshTokens>;
  clock: () => Date;
  logger: Logger;
  /** Refresh this long before the access token expires (it lasts ~25 h). */
  refreshBeforeMs?: number;
}

export interface ZaloTokenStore extends TokenSource {
  /** Stores the environment's pair unless the same pair was stored before (and may have rotated since). */
  init(): Promise<void>;
}

/** How long an access token from the environment is trusted (less the refresh margin): its age is unknown. */
const SEED_TRUST_MS = 2 * 60 * 60_000;

const fingerprint = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * The OA's tokens in the database. A refresh happens under the row's lock (`select … for update`), so
 * concurrent refreshes on any number of instances spend the single-use refresh token once; the new pair
 * is committed before the new access token is handed to anyone.
 */
export function createZaloTokenStore(deps: TokenStoreDeps): ZaloTokenStore {
  const before = deps.refreshBeforeMs ?? 60 * 60_000;
  const where = eq(zaloTokens.key, deps.key);
  const due = (expiresAt: Date, now: Date) => expiresAt.getTime() - now.getTime() <= before;
  let inflight: Promise<string> | undefined;

  async function rotate(stale: string | null): Promise<string> {
    return deps.db.transaction(async (tx) => {
      const [row] = await tx.select().from(zaloTokens).where(where).for("update");
      if (!row) throw new Error("zalo tokens are not initialised");
      const now = deps.clock();
      // Someone refreshed while we waited for the lock: their token is the one to use.
      if (row.accessToken !== stale && !due(row.accessExpiresAt, now)) return row.accessToken;
      let fresh: FreshTokens;
      try {
        fresh = await deps.exchange(row.refreshToken);
      } catch (err) {
        deps.logger.error(
          { err },
          "zalo token refresh failed: if it persists, an OA admin must issue a new token pair",
        );
        throw err;
      }
      const accessExpiresAt = new Date(now.getTime() + fresh.expiresInSeconds * 1000);
      await tx
        .update(zaloTokens)
        .set({
          accessToken: fresh.accessToken,
          refreshToken: fresh.refreshToken,
          accessExpiresAt,
          rotatedAt: now,
        })
        .where(where);
      deps.logger.info({ expiresAt: accessExpiresAt.toISOString() }, "zalo tokens rotated");
      return fresh.accessToken;
    });
  }

  /** One refresh at a time in this process; the row lock covers the other processes. */
  function refresh(stale: string | null): Promise<string> {
    inflight ??= rotate(stale).finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  return {
    async init() {
      const now = deps.clock();
      const seedFingerprint = fingerprint(deps.seed.refreshToken);
      const values = {
        accessToken: deps.seed.accessToken,
        refreshToken: deps.seed.refreshToken,
        accessExpiresAt: new Date(now.getTime() + SEED_TRUST_MS),
        seedFingerprint,
        rotatedAt: now,
      };
      await deps.db
        .insert(zaloTokens)
        .values({ key: deps.key, ...values })
        .onConflictDoNothing();
      // A different pair in the environment is a new grant (an admin issued it): it replaces the stored one.
      const replaced = await deps.db
        .update(zaloTokens)
        .set(values)
        .where(and(where, ne(zaloTokens.seedFingerprint, seedFingerprint)))
        .returning({ key: zaloTokens.key });
      if (replaced.length) deps.logger.info("zalo tokens replaced by a new pair from the environment");
    },
    async current() {
      const [row] = await deps.db.select().from(zaloTokens).where(where);
      if (!row) throw new Error("zalo tokens are not initialised");
      return due(row.accessExpiresAt, deps.clock()) ? refresh(row.accessToken) : row.accessToken;
    },
    refresh: (stale) => refresh(stale),
  };
}
