import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createGroup } from "../../bot/features/monitoring/groups.js";
import { REMINDERS_JOB } from "../../bot/features/monitoring/jobs.js";
import { joinGroup } from "../../bot/features/monitoring/members.js";
import { grantRole } from "../../bot/shared/roles.js";
import { findOrCreateUser } from "../../bot/shared/users.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";
import { outboxSettled, sentContaining } from "./monitoring-support.js";

const onPostgres = inject("dbTemplate").kind === "postgres";
const MEMBERS = 30;
const hanoi = (hm: string) => new Date(`2021-08-01T${hm}:00+07:00`);

let a: TestBot;
let b: TestBot;
let now = hanoi("06:00");
const chats: number[] = [];

// PGlite serves one process; two instances sharing one database is what PostgreSQL is for.
describe.skipIf(!onPostgres)("two bot processes on the same PostgreSQL", () => {
  beforeAll(async () => {
    a = await startTestBot({ clock: () => now, webhook: true });
    b = await startTestBot({ clock: () => now, webhook: true, db: a.db, fake: a.fake });
    const db = a.app.database.db;
    const manager = await findOrCreateUser(db, { channel: "telegram", externalId: "7000", chatId: "7000" });
    await grantRole(db, { userId: manager.id, role: "facility_manager", scope: { type: "global" } });
    const group = await createGroup(
      db,
      manager.id,
      {
        kind: "home",
        name: "Cách ly tại nhà — phường Hàng Bạc",
        communeCode: null,
        place: "Phường Hàng Bạc",
        startsOn: "2021-08-01",
        endsOn: "2021-08-15",
        windows: [{ from: 420, to: 600 }],
      },
      now,
    );
    for (let i = 0; i < MEMBERS; i++) {
      const chatId = 7100 + i;
      chats.push(chatId);
      const user = await findOrCreateUser(db, {
        channel: "telegram",
        externalId: String(chatId),
        chatId: String(chatId),
      });
      await joinGroup(db, {
        group,
        userId: user.id,
        personId: null,
        name: `Người ${i}`,
        now,
        timeZone: "Asia/Ho_Chi_Minh",
      });
    }
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it("sends every reminder exactly once, whichever instance runs the tick", async () => {
    const tickBoth = async (at: Date) => {
      now = at;
      // The same slot on both instances (one claims it), and a slot a second later on the other.
      const ran = await Promise.all([
        a.app.background!.scheduler.runNow(REMINDERS_JOB, at),
        b.app.background!.scheduler.runNow(REMINDERS_JOB, at),
        b.app.background!.scheduler.runNow(REMINDERS_JOB, new Date(at.getTime() + 1000)),
      ]);
      expect(ran.filter(Boolean)).toHaveLength(2);
      await outboxSettled(a, ["reminder:"]);
    };
    await tickBoth(hanoi("07:00"));
    await tickBoth(hanoi("08:00"));
    await tickBoth(hanoi("09:00"));
    const first = "Đến giờ báo cáo sức khỏe hằng ngày của bạn";
    const second = "Nhắc lại: hạn báo cáo sức khỏe hằng ngày của bạn";
    for (const chat of chats) {
      expect(sentContaining(a, chat, first)).toHaveLength(1);
      expect(sentContaining(a, chat, second)).toHaveLength(1);
    }
    // One sender held the lock: the calls all came from the outbox, never twice for one key.
    const sends = a.fake.sent().filter((c) => chats.includes(Number(c.params.chat_id)));
    expect(sends).toHaveLength(2 * MEMBERS);
  });
});
