import type { DbOrTx } from "../../../db/client.js";
import { resolveCommune } from "../../shared/admin-units.js";
import { normalizePhone } from "../../shared/phone.js";
import { findProvinces, provinceByCode } from "../../shared/provinces.js";
import { isValidStay, parseStay, STAY_DEFAULT_MINUTES } from "./checkin-policy.js";
import {
  CHECKPOINT_KINDS,
  type Checkpoint,
  type CheckpointKind,
  checkpointByShortCode,
  createCheckpoint,
  type NewCheckpoint,
} from "./checkpoints.js";

export interface CsvCheckpoint {
  line: number;
  input: Omit<NewCheckpoint, "parentId">;
  /** The name of an earlier row, or the short code of an existing checkpoint. */
  parent: string | null;
  /** The commune as written (a name or its 5-digit code), resolved against the official list on creation. */
  commune: string | null;
}

const COLUMNS = ["name", "address", "province", "commune", "kind", "stay", "phone", "parent"] as const;

/**
 * Reads the rows of a posters CSV: a header naming the columns (name and address required; province, commune,
 * kind, stay, phone, parent optional; a commune needs its province), then one checkpoint per row. Throws with
 * every problem, by line.
 */
export function checkpointsFromCsv(table: string[][], defaults: { phone: string | null }): CsvCheckpoint[] {
  const [header, ...body] = table;
  if (!header) throw new Error("the CSV is empty");
  const index = new Map(header.map((h, i) => [h.trim().toLowerCase(), i]));
  for (const required of ["name", "address"])
    if (!index.has(required))
      throw new Error(`the CSV needs a "${required}" column (columns: ${COLUMNS.join(", ")})`);
  const problems: string[] = [];
  const out: CsvCheckpoint[] = [];
  body.forEach((cells, i) => {
    const line = i + 2;
    const get = (col: (typeof COLUMNS)[number]) => (cells[index.get(col) ?? -1] ?? "").trim();
    const bad = (what: string) => problems.push(`line ${line}: ${what}`);
    const name = get("name");
    const address = get("address");
    if (name.length < 2 || name.length > 120) bad("the name must be 2 to 120 characters");
    if (address.length < 3 || address.length > 300) bad("the address must be 3 to 300 characters");
    const provinceText = get("province");
    const province = provinceText
      ? (provinceByCode(provinceText) ?? findProvinces(provinceText)[0])
      : undefined;
    if (provinceText && !province) bad(`unknown province "${provinceText}"`);
    const commune = get("commune") || null;
    if (commune && !provinceText) bad(`the commune "${commune}" needs its province`);
    const kindText = get("kind").toLowerCase();
    const kind = (kindText || "agency") as CheckpointKind;
    if (!CHECKPOINT_KINDS.includes(kind))
      bad(`unknown kind "${kindText}" (one of ${CHECKPOINT_KINDS.join(", ")})`);
    const stay = get("stay") ? parseStay(get("stay")) : STAY_DEFAULT_MINUTES;
    if (stay === null || !isValidStay(stay)) bad(`the stay "${get("stay")}" must be 15 min to 23 h 45`);
    const phoneText = get("phone");
    const phone = phoneText ? normalizePhone(phoneText) : defaults.phone;
    if (phoneText && !phone) bad(`invalid phone "${phoneText}"`);
    out.push({
      line,
      parent: get("parent") || null,
      commune,
      input: {
        name,
        address,
        provinceCode: province?.code ?? null,
        communeCode: null,
        kind,
        stayMinutes: stay ?? STAY_DEFAULT_MINUTES,
        phone,
      },
    });
  });
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return out;
}

/**
 * Creates the checkpoints in order under the manager (whose role is checked for every parent), so a row may
 * name an earlier row as its parent. Each commune is first found in the official list; any that is unknown or
 * ambiguous stops the whole file, with every such line named. Run it in one transaction: all or nothing.
 */
export async function createCheckpointsFromCsv(
  db: DbOrTx,
  managerId: number,
  rows: CsvCheckpoint[],
  now: Date,
): Promise<{ checkpoint: Checkpoint; parent: Checkpoint | null }[]> {
  const communes = new Map<number, string>();
  const problems: string[] = [];
  for (const row of rows) {
    if (!row.commune || !row.input.provinceCode) continue;
    const match = await resolveCommune(db, row.input.provinceCode, row.commune);
    if (match.kind === "one") communes.set(row.line, match.commune.code);
    else if (match.kind === "none")
      problems.push(
        `line ${row.line}: no commune "${row.commune}" in this province (write its name or its code)`,
      );
    else
      problems.push(
        `line ${row.line}: "${row.commune}" could be ${match.communes.map((c) => `${c.name} (${c.code})`).join(", ")}: write the full name or the code`,
      );
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  const byName = new Map<string, Checkpoint>();
  const out: { checkpoint: Checkpoint; parent: Checkpoint | null }[] = [];
  for (const row of rows) {
    let parent: Checkpoint | null = null;
    if (row.parent) {
      parent = byName.get(row.parent.toLowerCase()) ?? (await checkpointByShortCode(db, row.parent));
      if (!parent)
        throw new Error(`line ${row.line}: no earlier row or checkpoint "${row.parent}" to be part of`);
    }
    const checkpoint = await createCheckpoint(
      db,
      managerId,
      { ...row.input, communeCode: communes.get(row.line) ?? null, parentId: parent?.id ?? null },
      now,
    );
    byName.set(checkpoint.name.toLowerCase(), checkpoint);
    out.push({ checkpoint, parent });
  }
  return out;
}
