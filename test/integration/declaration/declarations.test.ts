import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DAY_MS,
  latestDeclaration,
  saveDeclaration,
} from "../../../bot/features/declaration/declarations.js";
import { getDraft, saveDraft } from "../../../bot/features/declaration/drafts.js";
import type { Answers } from "../../../bot/features/declaration/form.js";
import { collectMyData, eraseMyData } from "../../../bot/features/declaration/personal-data.js";
import { personalQrToken, verifyPersonalQr } from "../../../bot/features/declaration/personal-qr.js";
import {
  communeByCode,
  countCommunes,
  ensureAdminUnits,
  importAdminUnits,
  readUnitsFile,
  resolveCommune,
  SHIPPED_UNITS_FILE,
  searchCommunes,
} from "../../../bot/shared/admin-units.js";
import { hashIdNumber, loadIdHashKey } from "../../../bot/shared/id-hash.js";
import {
  addDependent,
  findPeopleByIdNumber,
  listPeople,
  removeDependent,
} from "../../../bot/shared/people.js";
import {
  generateSeed,
  loadSigningKeys,
  parseSigningKey,
  signingKeyFrom,
} from "../../../bot/shared/qr/signing-keys.js";
import { findOrCreateUser, setUserPhone } from "../../../bot/shared/users.js";
import type { Database } from "../../../db/client.js";
import { adminUnits, people, users } from "../../../db/schema/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";

let fresh: FreshDatabase;
let database: Database;
const now = new Date("2026-11-26T03:00:00Z");

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
});
afterAll(async () => {
  await database.close();
  await fresh.drop();
});

let seq = 0;
async function resident(phone = "+84912345678") {
  seq += 1;
  const user = await findOrCreateUser(database.db, {
    channel: "telegram",
    externalId: `r${seq}`,
    chatId: `r${seq}`,
  });
  await setUserPhone(database.db, user.id, phone, now);
  return user.id;
}

const ANSWERS: Answers = {
  fullName: "Nguyễn Văn An",
  birthYear: 1985,
  gender: "male",
  nationality: "VN",
  idNumber: "001 203 012 345",
  insuranceNo: "DN4010123456789",
  province: "01",
  commune: { code: "00004", name: "Phường Ba Đình" },
  street: "Số 12 ngõ 34 phố Đội Cấn",
  places: [],
  symptoms: [],
  exposures: { covidCase: false, outbreakArea: true, symptomaticPerson: false },
  chronic: [],
  vaccineDoses: "3",
};

const declare = async (userId: number, personId: number | null, answers: Answers, at = now) =>
  (await saveDeclaration(database.db, {
    userId,
    personId,
    answers,
    formVersion: 1,
    now: at,
    validDays: 7,
    hashKey: await loadIdHashKey(database.db, at),
  }))!;

describe("signing keys", () => {
  it("generates one key on first use and keeps it", async () => {
    const a = await loadSigningKeys(database.db, { now });
    const b = await loadSigningKeys(database.db, { now });
    expect(a.current.keyId).toBe(b.current.keyId);
  });

  it("signs with a configured key and still verifies codes of the stored one", async () => {
    const stored = await loadSigningKeys(database.db, { now });
    const seed = generateSeed();
    const configured = await loadSigningKeys(database.db, { configured: seed, now });
    expect(configured.current.keyId).toBe(signingKeyFrom(parseSigningKey(seed)).keyId);
    expect([...configured.keyring.keys()].sort()).toEqual(
      [stored.current.keyId, configured.current.keyId].sort(),
    );
  });
});

describe("declarations", () => {
  it("stores the answers, status, validity and address codes, with the ID number only hashed", async () => {
    const userId = await resident();
    const { declaration, person } = await declare(userId, null, ANSWERS);
    expect(declaration).toMatchObject({
      status: "yellow",
      formVersion: 1,
      provinceCode: "01",
      communeCode: "00004",
      declaredAt: now,
      validUntil: new Date(now.getTime() + 7 * DAY_MS),
    });
    expect(declaration.answers).toMatchObject({ idNumber: "•••••••••345", insuranceNo: "••••••••••••789" });
    expect(JSON.stringify(declaration.answers)).not.toContain("001203012345");
    expect(person).toMatchObject({
      kind: "self",
      fullName: "Nguyễn Văn An",
      birthYear: 1985,
      idNumberMasked: "•••••••••345",
    });
    expect(person.subjectId).toMatch(/^[A-Za-z0-9_-]{14}$/);
    const key = await loadIdHashKey(database.db, now);
    expect(person.idNumberHash).toBe(hashIdNumber(key, "001203012345"));
    const found = await findPeopleByIdNumber(database.db, key, "001-203-012-345");
    expect(found.map((p) => p.id)).toEqual([person.id]);
  });

  it("keeps the hashed ID number when the next declaration carries the masked one", async () => {
    const userId = await resident();
    const first = await declare(userId, null, ANSWERS);
    const second = await declare(
      userId,
      null,
      {
        ...ANSWERS,
        idNumber: "•••••••••345",
        exposures: { covidCase: false, outbreakArea: false, symptomaticPerson: false },
      },
      new Date(now.getTime() + 1000),
    );
    expect(second.person.id).toBe(first.person.id);
    expect(second.person.idNumberHash).toBe(first.person.idNumberHash);
    expect(second.declaration.status).toBe("green");
    expect((await latestDeclaration(database.db, first.person.id))?.id).toBe(second.declaration.id);
  });

  it("clears the draft of the person declared for", async () => {
    const userId = await resident();
    await saveDraft(database.db, userId, "self", { step: "q.gender", data: { a: 1 } }, now);
    expect(await getDraft(database.db, userId, "self", now)).toMatchObject({ step: "q.gender" });
    expect(await getDraft(database.db, userId, "self", new Date(now.getTime() + 8 * DAY_MS))).toBeNull();
    await declare(userId, null, ANSWERS);
    expect(await getDraft(database.db, userId, "self", now)).toBeNull();
  });
});

describe("verifyPersonalQr", () => {
  it("accepts the current declaration, then rejects it as superseded, expired or revoked", async () => {
    const userId = await resident("+84987654321");
    const { keyring, current } = await loadSigningKeys(database.db, { now });
    const first = await declare(userId, null, ANSWERS);
    const token = personalQrToken(first.person, first.declaration, current);
    const ok = await verifyPersonalQr(database.db, keyring, token, now);
    expect(ok).toMatchObject({
      ok: true,
      status: "yellow",
      phone: "+84987654321",
      person: { fullName: "Nguyễn Văn An" },
    });

    const later = new Date(now.getTime() + 3600_000);
    const second = await declare(userId, null, ANSWERS, later);
    expect(await verifyPersonalQr(database.db, keyring, token, later)).toEqual({
      ok: false,
      reason: "superseded",
    });
    const newer = personalQrToken(second.person, second.declaration, current);
    expect((await verifyPersonalQr(database.db, keyring, newer, later)).ok).toBe(true);
    expect(
      await verifyPersonalQr(database.db, keyring, newer, new Date(later.getTime() + 7 * DAY_MS)),
    ).toEqual({
      ok: false,
      reason: "expired",
    });
    await eraseMyData(database.db, userId);
    expect(await verifyPersonalQr(database.db, keyring, newer, later)).toEqual({
      ok: false,
      reason: "revoked",
    });
  });
});

describe("dependents and own data", () => {
  it("adds, lists, declares for and removes a dependent", async () => {
    const userId = await resident();
    const key = await loadIdHashKey(database.db, now);
    const child = await addDependent(
      database.db,
      userId,
      key,
      { fullName: "Nguyễn Bé Na", birthYear: 2020, relation: "child", idNumber: null },
      now,
    );
    await declare(userId, null, ANSWERS);
    const list = await listPeople(database.db, userId);
    expect(list.map((p) => p.kind)).toEqual(["self", "dependent"]);
    const saved = await declare(userId, child.id, {
      ...ANSWERS,
      fullName: "Nguyễn Bé Na",
      birthYear: 2020,
      idNumber: null,
      symptoms: ["fever"],
    });
    expect(saved.declaration.status).toBe("red");
    expect(saved.person.id).toBe(child.id);
    expect(await declare(await resident(), child.id, ANSWERS).catch(() => "x")).toBeNull();
    expect(await removeDependent(database.db, userId, child.id)).toBe(true);
    expect(await latestDeclaration(database.db, child.id)).toBeNull();
  });

  it("lists what is held and erases all of it", async () => {
    const userId = await resident();
    const key = await loadIdHashKey(database.db, now);
    await addDependent(
      database.db,
      userId,
      key,
      { fullName: "Trần Văn Cả", birthYear: 1940, relation: "grandparent", idNumber: "012345678" },
      now,
    );
    await declare(userId, null, ANSWERS);
    await saveDraft(database.db, userId, "self", { step: "q.gender", data: {} }, now);
    const held = await collectMyData(database.db, userId);
    expect(held).toMatchObject({ phone: "+84912345678", drafts: 1 });
    expect(held.people.map((p) => [p.person.fullName, p.declarations])).toEqual([
      ["Nguyễn Văn An", 1],
      ["Trần Văn Cả", 0],
    ]);
    expect(await eraseMyData(database.db, userId)).toEqual({
      declarations: 1,
      dependents: 1,
      self: true,
      drafts: 1,
      phone: true,
    });
    const [user] = await database.db.select().from(users).where(eq(users.id, userId));
    expect(user).toMatchObject({ phone: null, phoneVerifiedAt: null, displayName: null });
    expect(await database.db.select().from(people).where(eq(people.userId, userId))).toEqual([]);
  });
});

describe("admin units", () => {
  it("loads the shipped 2025 list once, re-imports it safely and finds communes typed without diacritics", async () => {
    // The template was made as a first start makes a database: the list is already there.
    expect(await countCommunes(database.db, "01")).toBe(126);
    expect(await ensureAdminUnits(database.db, now)).toEqual({ provinces: 0, communes: 0 });
    await database.db.delete(adminUnits);
    expect(await countCommunes(database.db, "01")).toBe(0);
    expect(await ensureAdminUnits(database.db, now)).toEqual({ provinces: 34, communes: 3321 });
    const file = await readUnitsFile(SHIPPED_UNITS_FILE);
    expect(await importAdminUnits(database.db, file, now)).toEqual({ provinces: 34, communes: 3321 });
    expect(await countCommunes(database.db, "01")).toBe(126);
    const hits = await searchCommunes(database.db, "01", "ba dinh");
    expect(hits[0]).toEqual({ code: "00004", name: "Phường Ba Đình" });
    expect((await searchCommunes(database.db, "01", "phường BA ĐÌNH"))[0]?.code).toBe("00004");
    expect((await searchCommunes(database.db, "01", "a")).length).toBe(8);
    expect(await searchCommunes(database.db, "79", "ba dinh")).toEqual([]);
    expect(await communeByCode(database.db, "00004")).toEqual({ code: "00004", name: "Phường Ba Đình" });
    // Either tone-mark placement, with or without diacritics.
    expect(await searchCommunes(database.db, "38", "Cẩm Thủy")).toEqual([
      { code: "15127", name: "Xã Cẩm Thuỷ" },
    ]);
    expect(await searchCommunes(database.db, "38", "cam thuy")).toEqual([
      { code: "15127", name: "Xã Cẩm Thuỷ" },
    ]);
    const hoa = await searchCommunes(database.db, "38", "hoa", 40);
    expect(hoa.length).toBe(14);
    expect(hoa.map((c) => c.name)).toEqual(expect.arrayContaining(["Xã Định Hoà", "Xã Xuân Hoà"]));
    expect(await resolveCommune(database.db, "38", "xã Cẩm Thuỷ")).toEqual({
      kind: "one",
      commune: { code: "15127", name: "Xã Cẩm Thuỷ" },
    });
    expect((await resolveCommune(database.db, "38", "hoa")).kind).toBe("several");
    expect(await resolveCommune(database.db, "38", "xyzxyz")).toEqual({ kind: "none" });
  });
});
