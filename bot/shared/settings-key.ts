import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { settings } from "../../db/schema/index.js";

/**
 * A 32-byte secret generated once and kept in `settings` under `name`, shared by every instance: whichever
 * instance asks first creates it, the others read that one (insert-if-absent, then read back).
 */
export async function loadSettingsKey(db: DbOrTx, name: string, now: Date): Promise<Buffer> {
  const read = async () => {
    const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, name));
    const key = (row?.value as { key?: unknown } | undefined)?.key;
    return typeof key === "string" ? Buffer.from(key, "base64url") : null;
  };
  const found = await read();
  if (found) return found;
  await db
    .insert(settings)
    .values({ key: name, value: { key: randomBytes(32).toString("base64url") }, updatedAt: now })
    .onConflictDoNothing();
  const made = await read();
  if (!made) throw new Error(`could not keep the ${name} key`);
  return made;
}
