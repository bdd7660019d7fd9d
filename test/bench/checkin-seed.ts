import { createServer } from "node:net";
import { createCheckpoint } from "../../bot/features/checkpoint/checkpoints.js";
import { saveDeclaration } from "../../bot/features/declaration/declarations.js";
import { FORM_VERSION } from "../../bot/features/declaration/form.js";
import { NOTICE_VERSION } from "../../bot/features/privacy/index.js";
import { loadIdHashKey } from "../../bot/shared/id-hash.js";
import { findOrCreateUser, recordConsent, setUserLang, setUserPhone } from "../../bot/shared/users.js";
import type { DbOrTx } from "../../db/client.js";

/** A valid green declaration for the account holder, stored as the declaration flow would. */
export async function declareFor(db: DbOrTx, userId: number, now: Date): Promise<void> {
  await saveDeclaration(db, {
    userId,
    personId: null,
    formVersion: FORM_VERSION,
    answers: {
      fullName: `Cư dân ${userId}`,
      birthYear: 1990,
      gender: "female",
      nationality: "VN",
      idNumber: null,
      province: "01",
      commune: { code: null, name: "Phường Ba Đình" },
      street: "1 Phố Huế",
      places: [],
      symptoms: [],
      exposures: { covidCase: false, outbreakArea: false, symptomaticPerson: false },
      chronic: [],
      vaccineDoses: "2",
    },
    now,
    validDays: 7,
    hashKey: await loadIdHashKey(db, now),
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Two shops and `residents` returning residents (Telegram ids from `firstId`): registered, consented and with a
 * valid declaration, so that each check-in the benches send is a real one.
 */
export async function seedCheckinWorld(
  db: DbOrTx,
  opts: { residents: number; now: Date; firstId: number; names: [string, string] },
): Promise<{ ids: number[]; codes: string[]; checkpointId: number }> {
  const { now } = opts;
  const manager = await findOrCreateUser(db, { channel: "telegram", externalId: "1", chatId: "1" });
  const place = {
    phone: null,
    provinceCode: "01",
    communeCode: null,
    address: "1 Tràng Tiền",
    kind: "shop" as const,
    stayMinutes: 240,
    parentId: null,
  };
  const a = await createCheckpoint(db, manager.id, { ...place, name: opts.names[0] }, now);
  const b = await createCheckpoint(db, manager.id, { ...place, name: opts.names[1] }, now);
  const ids: number[] = [];
  for (let i = 0; i < opts.residents; i++) {
    const telegramId = opts.firstId + i;
    const u = await findOrCreateUser(db, {
      channel: "telegram",
      externalId: String(telegramId),
      chatId: String(telegramId),
    });
    await setUserLang(db, u.id, "vi");
    // Without consent to the privacy notice every check-in would meet the consent screen.
    await recordConsent(db, u.id, NOTICE_VERSION, now);
    await setUserPhone(db, u.id, `+849${String(telegramId).slice(-8)}`, now);
    await declareFor(db, u.id, now);
    ids.push(telegramId);
  }
  return { ids, codes: [a.code, b.code], checkpointId: a.id };
}
