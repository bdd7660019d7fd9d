import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORM } from "../../../bot/features/declaration/form.js";
import { NONE, readWebAnswers, webFields, webPrefill } from "../../../bot/features/declaration/index.js";
import type { Database } from "../../../db/client.js";
import { i18n } from "../../support/context.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";

const env = { now: new Date("2026-12-01T03:00:00Z"), timeZone: "Asia/Ho_Chi_Minh" };
const adult = {
  fullName: "  Nguyễn   Văn An ",
  birthYear: "1985",
  gender: "male",
  nationality: "VN",
  idNumber: "001 203 012 345",
  province: "01",
  commune: "Ba Đình",
  street: "12 Phố Huế",
  places: "Đà Nẵng; Hải Phòng",
  symptoms: [NONE],
  exposures: [NONE],
  chronic: ["hypertension"],
};

describe("the web form reads answers with the chat's validators", () => {
  let fresh: FreshDatabase;
  let database: Database;
  beforeAll(async () => {
    fresh = await freshDatabase();
    database = await fresh.open();
  });
  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  it("a complete page gives the answers the chat would store", async () => {
    const s = await readWebAnswers(database.db, adult, env);
    expect(s.errors).toEqual({});
    expect(s.answers).toEqual({
      fullName: "Nguyễn Văn An",
      birthYear: 1985,
      gender: "male",
      nationality: "VN",
      idNumber: "001203012345",
      insuranceNo: null,
      province: "01",
      commune: { code: "00004", name: "Phường Ba Đình" },
      street: "12 Phố Huế",
      places: ["Đà Nẵng", "Hải Phòng"],
      symptoms: [],
      exposures: { covidCase: false, outbreakArea: false, symptomaticPerson: false },
      chronic: ["hypertension"],
      vaccineDoses: null,
    });
    expect(s.visible).not.toContain("nationalityOther");
    expect(s.hiddenOptions.chronic).toEqual(["pregnancy"]);
  });

  it("conditions follow the answers before them: a foreigner's passport, a child's optional ID", async () => {
    const foreign = await readWebAnswers(
      database.db,
      { ...adult, nationality: "other", nationalityOther: "Pháp", idNumber: "AB12345" },
      env,
    );
    expect(foreign.errors).toEqual({});
    expect(foreign.visible).toContain("nationalityOther");
    expect(foreign.visible).not.toContain("insuranceNo");
    const child = await readWebAnswers(database.db, { ...adult, birthYear: "2020", idNumber: "" }, env);
    expect(child.optional).toContain("idNumber");
    expect(child.answers.idNumber).toBeNull();
  });

  it("wrong or missing answers are named with the chat's error keys", async () => {
    const s = await readWebAnswers(
      database.db,
      {
        ...adult,
        idNumber: "00120301234",
        birthYear: "85",
        symptoms: [NONE, "fever"],
        exposures: [],
        gender: "x",
      },
      env,
    );
    expect(s.errors.idNumber).toEqual({ key: "idDigits", vars: { count: 11 } });
    expect(s.errors.birthYear?.key).toBe("yearFormat");
    expect(s.errors.symptoms?.key).toBe("pickOrNone");
    expect(s.errors.exposures?.key).toBe("pickOrNone");
    expect(s.errors.gender?.key).toBe("invalid");
    const empty = await readWebAnswers(database.db, {}, env);
    expect(empty.errors.fullName?.key).toBe("required");
  });

  it("prefill shows the last declaration's details, never its health answers; every field has its wording", async () => {
    const s = await readWebAnswers(database.db, adult, env);
    const raw = webPrefill(s.answers);
    expect(raw.fullName).toBe("Nguyễn Văn An");
    expect(raw.chronic).toEqual(["hypertension"]);
    expect(raw).not.toHaveProperty("symptoms");
    expect(raw).not.toHaveProperty("places");
    for (const lang of ["vi", "en"] as const) {
      const fields = webFields(i18n.t(lang));
      expect(fields.map((f) => f.id)).toEqual(FORM.map((q) => q.id));
      for (const f of fields) expect(f.label).not.toMatch(/^declaration:/);
    }
  });
});
