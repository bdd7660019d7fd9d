import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { identities, outbox, roleGrants } from "../../db/schema/index.js";

// A chat's command menu follows its person's roles. The change is queued in the outbox in the same transaction
// as the grant or revocation, so it is published once, after commit, by whichever instance sends (and only
// then). The row is written here rather than through platform/outbox, which shared code may not import; the
// payload is the outbox's `menu` reply (see platform/outbox/payload.ts).

async function rolesOf(db: DbOrTx, userId: number): Promise<string[]> {
  const rows = await db
    .select({ role: roleGrants.role })
    .from(roleGrants)
    .where(eq(roleGrants.userId, userId));
  return [...new Set(rows.map((r) => r.role))].sort();
}

/** Only Telegram has per-chat menus; Zalo's one OA menu is set in its console. */
async function telegramChats(db: DbOrTx, userIds: number[]): Promise<{ userId: number; chatId: string }[]> {
  if (userIds.length === 0) return [];
  return db
    .select({ userId: identities.userId, chatId: identities.chatId })
    .from(identities)
    .where(and(eq(identities.channel, "telegram"), inArray(identities.userId, userIds)));
}

/** Queues the person's menu as their roles now are (call after changing them, in the same transaction). */
export async function queueRoleMenu(db: DbOrTx, userId: number): Promise<void> {
  const chats = await telegramChats(db, [userId]);
  if (chats.length === 0) return;
  const roles = await rolesOf(db, userId);
  await db
    .insert(outbox)
    .values(
      chats.map((c) => ({
        channel: "telegram",
        chatId: c.chatId,
        dedupeKey: `menu:${userId}:${randomUUID()}`,
        payload: { kind: "menu", roles },
      })),
    )
    .onConflictDoNothing({ target: outbox.dedupeKey });
}

/**
 * At start: every role holder's menu, once per version of the menus (`menuVersion` changes when a command or
 * its roles change), so that a restart with the same commands publishes nothing again.
 */
export async function queueAllRoleMenus(db: DbOrTx, menuVersion: string): Promise<number> {
  const grants = await db.select({ userId: roleGrants.userId, role: roleGrants.role }).from(roleGrants);
  const byUser = new Map<number, Set<string>>();
  for (const g of grants) byUser.set(g.userId, (byUser.get(g.userId) ?? new Set()).add(g.role));
  const chats = await telegramChats(db, [...byUser.keys()]);
  if (chats.length === 0) return 0;
  const rows = chats.map((c) => {
    const roles = [...(byUser.get(c.userId) ?? [])].sort();
    return {
      channel: "telegram",
      chatId: c.chatId,
      dedupeKey: `menu:start:${menuVersion}:${c.userId}:${roles.join(",")}`,
      payload: { kind: "menu", roles },
    };
  });
  let added = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await db
      .insert(outbox)
      .values(rows.slice(i, i + 500))
      .onConflictDoNothing({ target: outbox.dedupeKey })
      .returning({ id: outbox.id });
    added += inserted.length;
  }
  return added;
}
