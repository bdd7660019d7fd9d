import { eq, inArray } from "drizzle-orm";
import { grantRole } from "../../bot/shared/roles.js";
import { identities, outbox } from "../../db/schema/index.js";
import type { RecordedCall, ScriptedUser } from "../fake-telegram/index.js";
import type { TestBot } from "../support/bot-harness.js";

import { until } from "../support/until.js";

export { until };

export const textOf = (c: RecordedCall) => String(c.params.text ?? c.params.caption ?? "");

/** What the bot sent this chat (replies and outbox messages alike) whose text contains `part`. */
export const sentContaining = (bot: TestBot, chatId: number, part: string) =>
  bot.fake.sent(chatId).filter((c) => textOf(c).includes(part));

/** Waits for a message containing `part` in this chat and returns it. */
export const received = (bot: TestBot, chatId: number, part: string) =>
  until(() => sentContaining(bot, chatId, part).at(-1), `"${part}" in chat ${chatId}`);

/** A person who chose a language and shared their own phone, with their user id. */
export async function person(bot: TestBot, phone: string, lang: "vi" | "en" = "en") {
  const u: ScriptedUser = bot.user({ languageCode: lang });
  await u.command("start");
  await u.press(lang === "vi" ? "Tiếng Việt" : "English");
  await u.press("consent:agree");
  await u.contact(phone);
  const [row] = await bot.app.database.db
    .select({ userId: identities.userId })
    .from(identities)
    .where(eq(identities.externalId, String(u.id)));
  return { u, userId: row!.userId };
}

export async function facilityManager(bot: TestBot, userId: number) {
  await grantRole(bot.app.database.db, {
    userId,
    role: "facility_manager",
    scope: { type: "province", id: "79" },
  });
}

/** Waits until the outbox has sent (or given up on) every message whose key starts with one of `prefixes`. */
export async function outboxSettled(bot: TestBot, prefixes: string[]) {
  await until(
    async () => {
      const rows = await bot.app.database.db
        .select({ key: outbox.dedupeKey, status: outbox.status })
        .from(outbox)
        .where(inArray(outbox.status, ["pending", "sending"]));
      return !rows.some((r) => prefixes.some((p) => r.key.startsWith(p)));
    },
    `the outbox to send ${prefixes.join(", ")}`,
  );
}
