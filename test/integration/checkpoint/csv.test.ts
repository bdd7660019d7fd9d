import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkpointsFromCsv, createCheckpointsFromCsv } from "../../../bot/features/checkpoint/csv.js";
import { ForbiddenError } from "../../../bot/shared/roles.js";
import { parseCsv } from "../../../bot/shared/spreadsheet.js";
import { setUserPhone } from "../../../bot/shared/users.js";
import { checkpoints, users } from "../../../db/schema/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import { pdfPageTexts, squash } from "../../unit/render/support.js";

const now = new Date("2021-08-01T01:00:00Z");
let fresh: FreshDatabase;

beforeAll(async () => {
  fresh = await freshDatabase();
});
afterAll(async () => {
  await fresh.drop();
});

const CSV = [
  "\uFEFFname,address,province,kind,stay,parent",
  '"Sở Y tế, tòa A",1 Trần Hưng Đạo,Hà Nội,agency,4h,',
  'Phòng 101,"1 Trần Hưng Đạo, tầng 1",01,agency,30,"Sở Y tế, tòa A"',
  "Phòng 102,1 Trần Hưng Đạo,01,,,Sở Y tế  tòa A",
].join("\r\n");

describe("the posters CSV", () => {
  it("reads quoted cells, semicolons and the BOM", () => {
    expect(parseCsv('a;b\r\n"x;""y""";z\n')).toEqual([
      ["a", "b"],
      ['x;"y"', "z"],
    ]);
    expect(parseCsv(CSV)[1]).toEqual(["Sở Y tế, tòa A", "1 Trần Hưng Đạo", "Hà Nội", "agency", "4h", ""]);
  });

  it("lists every problem by line", () => {
    const table = parseCsv("name,address,kind,stay\nX,1 Lê Lợi,zoo,5\nGood name,1 Lê Lợi,shop,1h\n");
    expect(() => checkpointsFromCsv(table, { phone: null })).toThrow(
      /line 2: the name must be 2 to 120 characters\nline 2: unknown kind "zoo".*\nline 2: the stay "5"/,
    );
    expect(() => checkpointsFromCsv(parseCsv("title\nx\n"), { phone: null })).toThrow(
      /needs a "name" column/,
    );
  });

  it("creates the rows under the manager, parts under earlier rows, all or nothing", async () => {
    const database = await fresh.open();
    try {
      const [manager] = await database.db.insert(users).values({}).returning();
      const [other] = await database.db.insert(users).values({}).returning();
      const rows = checkpointsFromCsv(parseCsv(CSV), { phone: "+84912345678" });
      await expect(
        database.db.transaction((tx) => createCheckpointsFromCsv(tx, manager!.id, rows, now)),
      ).rejects.toThrow(/line 4: no earlier row or checkpoint "Sở Y tế {2}tòa A"/);
      expect(await database.db.select().from(checkpoints)).toHaveLength(0);

      const fixed = rows.map((r) => (r.line === 4 ? { ...r, parent: "sở y tế, tòa a" } : r));
      const made = await database.db.transaction((tx) =>
        createCheckpointsFromCsv(tx, manager!.id, fixed, now),
      );
      expect(made.map((m) => [m.checkpoint.name, m.parent?.name ?? null, m.checkpoint.stayMinutes])).toEqual([
        ["Sở Y tế, tòa A", null, 240],
        ["Phòng 101", "Sở Y tế, tòa A", 30],
        ["Phòng 102", "Sở Y tế, tòa A", 240],
      ]);
      // Someone who does not manage the building cannot add rooms to it by short code.
      const intruder = checkpointsFromCsv(
        parseCsv(`name,address,parent\nPhòng 9,x y z,${made[0]!.checkpoint.shortCode}`),
        {
          phone: null,
        },
      );
      await expect(createCheckpointsFromCsv(database.db, other!.id, intruder, now)).rejects.toBeInstanceOf(
        ForbiddenError,
      );
      await setUserPhone(database.db, manager!.id, "+84912345678", now);
    } finally {
      await database.close();
    }
  });

  it("finds each row's commune in the official list by name or code, and refuses unknown or ambiguous ones", async () => {
    const database = await fresh.open();
    try {
      const [manager] = await database.db.insert(users).values({}).returning();
      const table = (body: string) =>
        checkpointsFromCsv(parseCsv(`name,address,province,commune\n${body}`), { phone: null });
      const made = await createCheckpointsFromCsv(
        database.db,
        manager!.id,
        table(
          "Trạm Y tế,1 Lê Lợi,Thanh Hoá,Cẩm Thủy\nChợ,2 Lê Lợi,38,15127\nUBND,3 Lê Lợi,Hà Nội,phuong ba dinh",
        ),
        now,
      );
      expect(made.map((m) => [m.checkpoint.provinceCode, m.checkpoint.communeCode])).toEqual([
        ["38", "15127"],
        ["38", "15127"],
        ["01", "00004"],
      ]);
      const refused = createCheckpointsFromCsv(
        database.db,
        manager!.id,
        table(
          "A b,1 Lê Lợi,Thanh Hoá,xyzxyz\nC d,1 Lê Lợi,Hà Nội,00004x\nE f,1 Lê Lợi,Thanh Hoá,hoa\nG h,1 Lê Lợi,79,00004",
        ),
        now,
      );
      await expect(refused).rejects.toThrow(/line 2: no commune "xyzxyz"/);
      await expect(refused).rejects.toThrow(/line 3: no commune "00004x"/);
      await expect(refused).rejects.toThrow(/line 4: "hoa" could be .+: write the full name or the code/);
      await expect(refused).rejects.toThrow(/line 5: no commune "00004"/);
      expect(() => table("A b,1 Lê Lợi,,Ba Đình")).toThrow(
        /line 2: the commune "Ba Đình" needs its province/,
      );
    } finally {
      await database.close();
    }
  });

  it("npm run posters writes one PDF with a page per checkpoint", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hb-posters-"));
    const csv = join(dir, "list.csv");
    const out = join(dir, "posters.pdf");
    writeFileSync(csv, "name,address\nTrạm Y tế phường Láng,5 Láng Hạ\nNhà văn hóa tổ 3,12 ngõ 4 Láng Hạ\n");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/posters.ts",
        csv,
        "--phone",
        "0912345678",
        "--out",
        out,
        "--bot",
        "KhaiBaoBot",
      ],
      { env: { ...process.env, ...fresh.env, LOG_LEVEL: "silent" } },
    );
    expect(stdout).toContain("2 checkpoints; posters written to");
    const pages = await pdfPageTexts(readFileSync(out));
    expect(pages.map((p) => squash(p).includes("Trạm Y tế phường Láng"))).toEqual([true, false]);
    expect(squash(pages[1]!)).toContain("Nhà văn hóa tổ 3");
    const database = await fresh.open();
    try {
      const rows = await database.db
        .select()
        .from(checkpoints)
        .where(eq(checkpoints.name, "Nhà văn hóa tổ 3"));
      expect(rows).toHaveLength(1);
    } finally {
      await database.close();
    }
  });
});
