import { createServer } from "node:net";
import { saveDeclaration } from "../../bot/features/declaration/declarations.js";
import { FORM_VERSION } from "../../bot/features/declaration/form.js";
import { loadIdHashKey } from "../../bot/shared/id-hash.js";
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
