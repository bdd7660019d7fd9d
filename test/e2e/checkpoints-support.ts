import { desc, eq } from "drizzle-orm";
import { expect } from "vitest";
import { saveDeclaration } from "../../bot/features/declaration/declarations.js";
import { FORM_VERSION } from "../../bot/features/declaration/form.js";
import { personalQrToken } from "../../bot/features/declaration/personal-qr.js";
import { loadIdHashKey } from "../../bot/shared/id-hash.js";
import { addDependent } from "../../bot/shared/people.js";
import { loadSigningKeys } from "../../bot/shared/qr/signing-keys.js";
import { checkpoints, identities, visits } from "../../db/schema/index.js";
import type { Json, ScriptedUser } from "../fake-telegram/index.js";
import type { TestBot } from "../support/bot-harness.js";

export const texts = (u: ScriptedUser, since = 0) =>
  u.repliesSince(since).map((c) => String(c.params.text ?? c.params.caption ?? ""));
export const said = (u: ScriptedUser, since: number) => texts(u, since).join("\n");

let phoneSeq = 100;

/** A resident registered by chat (language, own contact), in English unless told otherwise. */
export async function registered(
  bot: TestBot,
  lang: "vi" | "en" = "en",
): Promise<{ u: ScriptedUser; userId: number }> {
  const u = bot.user({ languageCode: lang });
  await u.command("start");
  await u.press(lang === "vi" ? "Tiếng Việt" : "English");
  await u.press("consent:agree");
  phoneSeq += 1;
  await u.contact(`84913${String(phoneSeq).padStart(6, "0")}`);
  const [row] = await bot.app.database.db
    .select({ userId: identities.userId })
    .from(identities)
    .where(eq(identities.externalId, String(u.id)));
  return { u, userId: row!.userId };
}

/** A dependent without a phone on the account (a child, an elderly parent). */
export async function dependent(bot: TestBot, userId: number, fullName: string, now: Date) {
  const db = bot.app.database.db;
  return addDependent(
    db,
    userId,
    await loadIdHashKey(db, now),
    { fullName, birthYear: 1940, relation: "parent", idNumber: null },
    now,
  );
}

/** Stores a declaration for the account holder (or a dependent) directly, as the declaration flow would on submit. */
export async function declare(
  bot: TestBot,
  userId: number,
  now: Date,
  opts: { fullName?: string; symptoms?: string[]; validDays?: number; personId?: number } = {},
) {
  const db = bot.app.database.db;
  const saved = await saveDeclaration(db, {
    userId,
    personId: opts.personId ?? null,
    formVersion: FORM_VERSION,
    answers: {
      fullName: opts.fullName ?? "Nguyễn Văn An",
      birthYear: 1990,
      gender: "male",
      nationality: "VN",
      idNumber: "001090012345",
      province: "01",
      commune: { code: null, name: "Phường Ba Đình" },
      street: "12 Phố Huế",
      places: [],
      symptoms: opts.symptoms ?? [],
      exposures: { covidCase: false, outbreakArea: false, symptomaticPerson: false },
      chronic: [],
      vaccineDoses: "2",
    },
    now,
    validDays: opts.validDays ?? 7,
    hashKey: await loadIdHashKey(db, now),
  });
  const keys = await loadSigningKeys(db, { now });
  return { ...saved!, token: personalQrToken(saved!.person, saved!.declaration, keys.current) };
}

/** Registers a checkpoint through /checkpoint by chat and returns its row. */
export async function registerCheckpoint(u: ScriptedUser, bot: TestBot, name: string, userId: number) {
  await u.command("checkpoint");
  if (
    u
      .keyboard()
      .inline.flat()
      .some((b) => b.data === "checkpoint:parent:none")
  )
    await u.press("checkpoint:parent:none");
  await u.text(name);
  await u.press(/^checkpoint:phone:mine$/);
  await u.press("checkpoint:prov:01");
  // The shipped list knows this ward: the one match is taken at once.
  await u.text("Phường Hoàn Kiếm");
  await u.text("1 Tràng Tiền");
  await u.press("checkpoint:kind:shop");
  await u.text("1h30");
  await u.press("checkpoint:confirm");
  const [row] = await bot.app.database.db
    .select()
    .from(checkpoints)
    .where(eq(checkpoints.createdBy, userId))
    .orderBy(desc(checkpoints.id))
    .limit(1);
  expect(row?.name).toBe(name);
  return row!;
}

export async function visitsOf(bot: TestBot, userId: number) {
  return bot.app.database.db.select().from(visits).where(eq(visits.userId, userId)).orderBy(visits.id);
}

/** The bytes of the newest photo the bot sent to this user. */
export function lastPhoto(u: ScriptedUser): Buffer {
  const call = u
    .replies()
    .filter((c) => c.method === "sendPhoto")
    .at(-1);
  const photo: Json = call?.params.photo;
  if (!photo?.bytes) throw new Error("no photo sent");
  return photo.bytes as Buffer;
}

export function documentsSince(u: ScriptedUser, since: number): { name: string; bytes: Buffer }[] {
  return u
    .repliesSince(since)
    .filter((c) => c.method === "sendDocument")
    .map((c) => ({ name: String(c.params.document.filename), bytes: c.params.document.bytes as Buffer }));
}
