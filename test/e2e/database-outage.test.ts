import { rmSync } from "node:fs";
import { inArray, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identities, processedUpdates } from "../../db/schema/index.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";
import {
  type PrivatePostgres,
  privatePostgresUnavailable,
  startPrivatePostgres,
} from "../support/private-postgres.js";
import { until } from "../support/until.js";

const unavailable = privatePostgresUnavailable();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Webhook load while the bot's own PostgreSQL restarts and then stops for a while: the process stays up,
 * /healthz says so, and every update is committed exactly once (a failed one answered 5xx and delivered
 * again, as Telegram does).
 */
describe.skipIf(unavailable !== null)(
  `a database outage under webhook load${unavailable ? ` (skipped: ${unavailable})` : ""}`,
  () => {
    let pg: PrivatePostgres;
    let bot: TestBot;
    const dataDir = `/tmp/i13-outage-${process.pid}`;

    beforeAll(async () => {
      pg = await startPrivatePostgres();
      bot = await startTestBot({
        webhook: true,
        db: {
          kind: "postgres",
          env: { DATABASE_URL: pg.url, DATA_DIR: dataDir },
          open: () => Promise.reject(new Error("not used")),
          drop: async () => {},
        },
      });
    }, 120_000);
    afterAll(async () => {
      await bot?.stop();
      await pg?.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("keeps the process up, reports 503 then 200, and loses or repeats no update", async () => {
      const port = bot.app.http?.port;
      const health = async () => {
        const started = performance.now();
        const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) });
        return { status: res.status, ms: performance.now() - started };
      };
      expect((await health()).status).toBe(200);

      const total = 300;
      const firstUser = 7_100_000;
      const attempts = new Map<number, number>();
      let failedResponses = 0;
      /** Telegram's side: POST until a 2xx, again after a pause on 5xx or a refused connection. */
      const deliver = async (i: number) => {
        const id = firstUser + i;
        const update = {
          update_id: 5_000_000 + i,
          message: {
            message_id: 1,
            date: Math.floor(Date.now() / 1000),
            chat: { id, type: "private" },
            from: { id, is_bot: false, first_name: "Load", language_code: "vi" },
            text: "/start",
            entities: [{ type: "bot_command", offset: 0, length: 6 }],
          },
        };
        for (let n = 1; n <= 400; n++) {
          attempts.set(i, n);
          const ok = await bot.fake
            .postToWebhook(update)
            .then((r) => r.status === 200)
            .catch(() => false);
          if (ok) return;
          failedResponses += 1;
          await sleep(250);
        }
        throw new Error(`update ${i} was never accepted`);
      };
      // About 25 updates a second from 8 concurrent senders, for the whole outage.
      let next = 0;
      const load = Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < total) {
            const i = next++;
            await deliver(i);
            await sleep(300);
          }
        }),
      );

      await sleep(1500);
      await pg.restart(); // drops every connection, some in the middle of a transaction
      await until(async () => (await health()).status === 200, "/healthz 200 after the restart", 15_000);

      await sleep(1000);
      await pg.stop();
      const down = await health();
      expect(down.status).toBe(503);
      expect(down.ms).toBeLessThan(1000);
      for (let k = 0; k < 4; k++) {
        await sleep(500);
        const h = await health();
        expect(h.status).toBe(503);
        expect(h.ms).toBeLessThan(1000);
      }
      // Jobs fail while it is down, without taking anything with them.
      await expect(bot.app.background?.scheduler.runNow("housekeeping")).rejects.toThrow();

      await pg.start();
      const back = performance.now();
      await until(async () => (await health()).status === 200, "/healthz 200 after the start", 10_000);
      expect(performance.now() - back).toBeLessThan(5000);

      await load;
      expect(failedResponses).toBeGreaterThan(0); // the outage was felt

      const ids = Array.from({ length: total }, (_, i) => String(5_000_000 + i));
      const rows = await bot.app.database.db
        .select({ id: processedUpdates.updateId })
        .from(processedUpdates)
        .where(inArray(processedUpdates.updateId, ids));
      expect(rows.length).toBe(total); // 0 lost
      // 0 duplicates: each sender was asked to choose a language exactly once.
      const answered = new Map<number, number>();
      for (const c of bot.fake.sent()) {
        const chat = Number(c.params.chat_id);
        if (chat >= firstUser && chat < firstUser + total) answered.set(chat, (answered.get(chat) ?? 0) + 1);
      }
      const counts = [...answered.values()];
      expect(answered.size).toBe(total);
      expect(counts.every((n) => n === 1)).toBe(true);
      // …and became one person each.
      const people = await bot.app.database.db
        .select({ n: sql<number>`count(distinct ${identities.userId})::int` })
        .from(identities)
        .where(inArray(identities.externalId, counts.length ? [...answered.keys()].map(String) : []));
      expect(people[0]?.n).toBe(total);

      // The jobs and the outbox sender are back by themselves: a tick runs, the sender holds its lock again.
      expect(
        await bot.app.background?.scheduler.runNow("housekeeping", new Date(Date.now() + 3600_000)),
      ).toBe(true);
      const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
      try {
        await until(
          async () =>
            (await admin`select count(*)::int as n from pg_locks where locktype = 'advisory'`)[0]?.n > 0,
          "the outbox sender's lock",
          15_000,
        );
      } finally {
        await admin.end();
      }
      expect(bot.logs.join("")).not.toMatch(/uncaught exception/);
    }, 120_000);
  },
);
