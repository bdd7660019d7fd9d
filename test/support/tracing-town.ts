import { type Checkpoint, createCheckpoint } from "../../bot/features/checkpoint/checkpoints.js";
import { saveDeclaration } from "../../bot/features/declaration/declarations.js";
import { FORM_VERSION } from "../../bot/features/declaration/form.js";
import { NOTICE_VERSION } from "../../bot/features/privacy/index.js";
import { loadIdHashKey } from "../../bot/shared/id-hash.js";
import { addDependent } from "../../bot/shared/people.js";
import { grantRole } from "../../bot/shared/roles.js";
import { findOrCreateUser, recordConsent, setUserLang, setUserPhone } from "../../bot/shared/users.js";
import type { Db } from "../../db/client.js";
import { visits } from "../../db/schema/index.js";
import {
  COMMUNE_HERE,
  COMMUNE_THERE,
  makeVisits,
  type OracleVisit,
  PLACES,
  PROVINCE,
  type WorldVisit,
} from "./tracing-world.js";

export interface Resident {
  who: number;
  /** The account to reach (the guardian's for the dependent, none for the walk-in). */
  userId: number | null;
  personId: number | null;
  key: string;
  name: string;
  phone: string;
  idNumber: string;
  commune: string;
}

export interface Town {
  residents: Resident[];
  places: Map<string, Checkpoint>;
  visits: WorldVisit[];
  oracleVisits: OracleVisit[];
  parents: Map<number, number | null>;
  /** Checkpoints of the commune the officer is responsible for. */
  inScope: (checkpointId: number) => boolean;
  officerId: number;
  otherOfficerId: number;
  managerId: number;
}

export const RESIDENTS = 12;
/** Resident 10 is a dependent of resident 9 (no phone of their own); resident 11 a walk-in with no account. */
export const DEPENDENT = 10;
export const WALK_IN = 11;

export const residentName = (who: number) => `Cư dân Số ${String(who).padStart(2, "0")}`;
export const residentPhone = (who: number) => `+8491300${String(5000 + who).padStart(4, "0")}`;
/** Resident 5 lives in the other commune (met at places here, so still a contact here). */
export const residentCommune = (who: number) => (who === 5 ? COMMUNE_THERE : COMMUNE_HERE);

export async function declareFor(
  db: Db,
  userId: number,
  now: Date,
  o: {
    personId?: number | null;
    name: string;
    idNumber: string;
    commune: string;
    symptoms?: string[];
    exposed?: boolean;
  },
) {
  const saved = await saveDeclaration(db, {
    userId,
    personId: o.personId ?? null,
    formVersion: FORM_VERSION,
    answers: {
      fullName: o.name,
      birthYear: 1980,
      gender: "female",
      nationality: "VN",
      idNumber: o.idNumber,
      province: PROVINCE,
      commune: { code: o.commune, name: `Phường ${o.commune}` },
      street: "1 Phố Huế",
      places: [],
      symptoms: o.symptoms ?? [],
      exposures: { covidCase: o.exposed ?? false, outbreakArea: false, symptomaticPerson: false },
      chronic: [],
      vaccineDoses: "2",
    },
    now,
    validDays: 7,
    hashKey: await loadIdHashKey(db, now),
  });
  if (!saved) throw new Error("declaration not saved");
  return saved;
}

/** An account as the bot would have made it (Telegram identity, language, verified phone). */
export async function account(db: Db, externalId: string, phone: string, now: Date): Promise<number> {
  const user = await findOrCreateUser(db, { channel: "telegram", externalId, chatId: externalId });
  await setUserLang(db, user.id, "en");
  await recordConsent(db, user.id, NOTICE_VERSION, now);
  await setUserPhone(db, user.id, phone, now);
  return user.id;
}

/**
 * Builds the town on a database: residents with declarations (or the accounts given), checkpoints, the
 * visits of the generator, a commune officer here and one there. `accounts[who]` reuses accounts already
 * registered (e.g. through the bot).
 */
export async function buildTown(
  db: Db,
  o: { seed: number; firstDay: Date; days: number; now: Date; accounts?: Map<number, number> },
): Promise<Town> {
  const residents: Resident[] = [];
  for (let who = 0; who < RESIDENTS; who++) {
    const idNumber = `0010900${String(10000 + who)}`;
    const base = {
      who,
      name: residentName(who),
      phone: residentPhone(who),
      idNumber,
      commune: residentCommune(who),
    };
    if (who === WALK_IN) {
      residents.push({ ...base, userId: null, personId: null, key: `w:${base.phone}` });
      continue;
    }
    if (who === DEPENDENT) {
      const guardian = residents[9]!;
      const dep = await addDependent(
        db,
        guardian.userId!,
        await loadIdHashKey(db, o.now),
        {
          fullName: base.name,
          birthYear: 1940,
          relation: "parent",
          idNumber,
        },
        o.now,
      );
      await declareFor(db, guardian.userId!, o.firstDay, { ...base, personId: dep.id });
      residents.push({
        ...base,
        phone: guardian.phone,
        userId: guardian.userId,
        personId: dep.id,
        key: `p:${dep.id}`,
      });
      continue;
    }
    const userId = o.accounts?.get(who) ?? (await account(db, String(700000 + who), base.phone, o.firstDay));
    const saved = await declareFor(db, userId, o.firstDay, base);
    residents.push({ ...base, userId, personId: saved.person.id, key: `u:${userId}` });
  }
  const managerId = await account(db, "799999", "+84913009999", o.firstDay);
  const places = new Map<string, Checkpoint>();
  for (const p of PLACES) {
    const cp = await createCheckpoint(
      db,
      managerId,
      {
        name: p.label,
        phone: null,
        provinceCode: PROVINCE,
        communeCode: p.commune,
        address: `${p.label}, ${p.commune}`,
        kind: "shop",
        stayMinutes: 240,
        parentId: p.parent ? places.get(p.parent)!.id : null,
      },
      o.firstDay,
    );
    places.set(p.label, cp);
  }
  const world = makeVisits(o.seed, RESIDENTS, o.days, o.firstDay);
  for (let i = 0; i < world.length; i += 200) {
    await db.insert(visits).values(
      world.slice(i, i + 200).map((v) => {
        const r = residents[v.who]!;
        return {
          checkpointId: places.get(v.place)!.id,
          userId: r.key.startsWith("u:") ? r.userId : null,
          personId: r.key.startsWith("p:") ? r.personId : null,
          visitorKey: r.key,
          visitorName: r.key.startsWith("w:") ? r.name : null,
          visitorPhone: r.key.startsWith("w:") ? r.phone : null,
          method: r.key.startsWith("u:") ? ("link" as const) : ("staff_manual" as const),
          checkedInAt: v.start,
          autoCheckoutAt: new Date(v.start.getTime() + 240 * 60_000),
          checkedOutAt: v.end,
          endedHow: "manual" as const,
        };
      }),
    );
  }
  const officerId = await account(db, "800001", "+84913008001", o.firstDay);
  await grantRole(db, {
    userId: officerId,
    role: "commune_officer",
    scope: { type: "commune", id: COMMUNE_HERE },
  });
  const otherOfficerId = await account(db, "800002", "+84913008002", o.firstDay);
  await grantRole(db, {
    userId: otherOfficerId,
    role: "commune_officer",
    scope: { type: "commune", id: COMMUNE_THERE },
  });
  const byId = new Map([...places.values()].map((c) => [c.id, c]));
  return {
    residents,
    places,
    visits: world,
    oracleVisits: world.map((v) => ({
      key: residents[v.who]!.key,
      checkpointId: places.get(v.place)!.id,
      start: v.start.getTime(),
      end: v.end.getTime(),
    })),
    parents: new Map([...places.values()].map((c) => [c.id, c.parentId])),
    inScope: (id) => byId.get(id)?.communeCode === COMMUNE_HERE,
    officerId,
    otherOfficerId,
    managerId,
  };
}
