import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { identities, users } from "../../db/schema/index.js";
import type { UsersPort } from "../core/engine.js";
import { isLang, type Lang } from "../core/i18n.js";
import type { Channel, UserView } from "../core/types.js";
import { formatPhone } from "./phone.js";
import { grantsOf } from "./roles.js";

export interface IdentityRef {
  channel: Channel;
  externalId: string;
  chatId: string;
}

function view(row: typeof users.$inferSelect): UserView {
  return {
    id: row.id,
    lang: isLang(row.lang) ? row.lang : null,
    phone: row.phone,
    consentVersion: row.consentVersion,
  };
}

/** The person behind a channel account, created on first contact. */
export async function findOrCreateUser(db: DbOrTx, ref: IdentityRef): Promise<UserView> {
  const found = await db
    .select({ user: users, chatId: identities.chatId })
    .from(identities)
    .innerJoin(users, eq(users.id, identities.userId))
    .where(and(eq(identities.channel, ref.channel), eq(identities.externalId, ref.externalId)))
    .limit(1);
  const row = found[0];
  if (row) {
    if (row.chatId !== ref.chatId) {
      await db
        .update(identities)
        .set({ chatId: ref.chatId })
        .where(and(eq(identities.channel, ref.channel), eq(identities.externalId, ref.externalId)));
    }
    return view(row.user);
  }
  const [created] = await db.insert(users).values({}).returning();
  if (!created) throw new Error("user insert returned nothing");
  const inserted = await db
    .insert(identities)
    .values({ channel: ref.channel, externalId: ref.externalId, userId: created.id, chatId: ref.chatId })
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) {
    // Another request created this identity first: use theirs.
    await db.delete(users).where(eq(users.id, created.id));
    return findOrCreateUser(db, ref);
  }
  return view(created);
}

export async function setUserLang(db: DbOrTx, userId: number, lang: Lang): Promise<void> {
  await db.update(users).set({ lang }).where(eq(users.id, userId));
}

export async function setUserPhone(db: DbOrTx, userId: number, phone: string, now: Date): Promise<void> {
  await db.update(users).set({ phone, phoneVerifiedAt: now }).where(eq(users.id, userId));
}

/** Records that the person agreed to this version of the privacy notice, now. */
export async function recordConsent(db: DbOrTx, userId: number, version: number, now: Date): Promise<void> {
  await db.update(users).set({ consentVersion: version, consentedAt: now }).where(eq(users.id, userId));
}

export async function getUser(db: DbOrTx, userId: number): Promise<UserView | null> {
  const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return row ? view(row) : null;
}

/** What the engine needs of the people store. */
export const usersPort: UsersPort = {
  findOrCreate: findOrCreateUser,
  get: getUser,
  displayPhone: formatPhone,
  roles: async (tx, userId) => [...new Set((await grantsOf(tx, userId)).map((g) => g.role))],
};
