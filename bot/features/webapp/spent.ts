import { lt } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { webappSpent } from "../../../db/schema/index.js";

/** Marks a one-time value used; false when it already was (a replay). */
export async function spend(db: DbOrTx, nonce: string, expiresAt: Date): Promise<boolean> {
  const rows = await db
    .insert(webappSpent)
    .values({ nonce, expiresAt })
    .onConflictDoNothing()
    .returning({ nonce: webappSpent.nonce });
  return rows.length === 1;
}

/** Spent values past their expiry: nothing could use them again, so they need not be remembered. */
export async function purgeSpent(db: DbOrTx, now: Date): Promise<number> {
  const rows = await db
    .delete(webappSpent)
    .where(lt(webappSpent.expiresAt, now))
    .returning({ n: webappSpent.nonce });
  return rows.length;
}
