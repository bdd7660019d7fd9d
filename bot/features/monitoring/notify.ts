import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { TFunction } from "i18next";
import type { DbOrTx } from "../../../db/client.js";
import { identities, sessions, users } from "../../../db/schema/index.js";
import { DEFAULT_LANG, type I18n, isLang, type Lang } from "../../core/i18n.js";
import type { Reply } from "../../core/types.js";
import { enqueue, type NewOutboxMessage } from "../../platform/outbox/enqueue.js";

/** Channels the outbox has senders for (the terminal's prints into the open terminal chat). */
export const OUTBOX_CHANNELS = ["telegram", "zalo", "terminal"] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];

export interface Recipient {
  userId: number;
  channel: OutboxChannel;
  chatId: string;
  lang: Lang;
}

/** Where each person is reached: of their chats, the one they used last. */
export async function recipientsOf(db: DbOrTx, userIds: number[]): Promise<Map<number, Recipient>> {
  const out = new Map<number, Recipient>();
  const unique = [...new Set(userIds)];
  for (let i = 0; i < unique.length; i += 1000) {
    const rows = await db
      .select({
        userId: identities.userId,
        channel: identities.channel,
        chatId: identities.chatId,
        lang: users.lang,
      })
      .from(identities)
      .innerJoin(users, eq(users.id, identities.userId))
      .leftJoin(
        sessions,
        and(eq(sessions.channel, identities.channel), eq(sessions.chatId, identities.chatId)),
      )
      .where(
        and(
          inArray(identities.userId, unique.slice(i, i + 1000)),
          inArray(identities.channel, [...OUTBOX_CHANNELS]),
        ),
      )
      .orderBy(sql`${sessions.updatedAt} desc nulls last`, desc(identities.createdAt));
    for (const r of rows) {
      if (out.has(r.userId)) continue;
      out.set(r.userId, {
        userId: r.userId,
        channel: r.channel as OutboxChannel,
        chatId: r.chatId,
        lang: isLang(r.lang) ? r.lang : DEFAULT_LANG,
      });
    }
  }
  return out;
}

export interface Notice {
  userId: number;
  /** Unique across the outbox: the same notice enqueued again is not sent twice. */
  dedupeKey: string;
  /** The message in the recipient's language. */
  reply: (t: TFunction, lang: Lang) => Reply;
}

/**
 * Queues one message per notice in the outbox, in each person's language, to their chat. People with no
 * Telegram or Zalo chat are skipped. Returns how many were newly queued.
 */
export async function notify(db: DbOrTx, i18n: I18n, notices: Notice[]): Promise<number> {
  if (notices.length === 0) return 0;
  const to = await recipientsOf(
    db,
    notices.map((n) => n.userId),
  );
  const rows: NewOutboxMessage[] = [];
  for (const n of notices) {
    const r = to.get(n.userId);
    if (!r) continue;
    rows.push({
      channel: r.channel,
      chatId: r.chatId,
      dedupeKey: n.dedupeKey,
      reply: n.reply(i18n.t(r.lang), r.lang),
    });
  }
  return enqueue(db, rows);
}
