import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "../../../db/client.js";
import { makePgliteTemplate } from "../../../db/template.js";

/** PGlite's execute gives `{ rows }` (the shared Db type leaves the result unknown). */
const rows = (result: unknown) => (result as { rows: Record<string, unknown>[] }).rows;

// The embedded database whatever this run's database is: PGlite opened from a template, as `npm start` does.
let template: string;
let scratch: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "hb-tplt-"));
  const run = inject("dbTemplate");
  if (run.kind === "pglite") template = join(run.dir, "pglite");
  else {
    template = join(scratch, "template");
    await makePgliteTemplate(template);
  }
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("a new PGlite database from the template", () => {
  it("is copied from it, migrated, and opened with the bot's settings", async () => {
    const dataDir = join(scratch, "a");
    const database = await openDatabase({ dataDir, pgliteTemplate: template });
    try {
      expect(existsSync(join(dataDir, "pglite", "PG_VERSION"))).toBe(true);
      const tables = await database.db.execute(
        sql`select count(*)::int as n from information_schema.tables where table_name = 'users'`,
      );
      expect(rows(tables)).toEqual([{ n: 1 }]);
      const buffers = await database.db.execute(sql`show shared_buffers`);
      expect(rows(buffers)).toEqual([{ shared_buffers: "32MB" }]);
    } finally {
      await database.close();
    }
  });

  it("never replaces a database that already has data", async () => {
    const dataDir = join(scratch, "b");
    const first = await openDatabase({ dataDir, pgliteTemplate: template });
    await first.db.execute(sql`create table kept (x int)`);
    await first.db.execute(sql`insert into kept values (42)`);
    await first.close();
    const again = await openDatabase({ dataDir, pgliteTemplate: template });
    try {
      expect(rows(await again.db.execute(sql`select x from kept`))).toEqual([{ x: 42 }]);
    } finally {
      await again.close();
    }
  });

  it("without a template, initdb makes one in place", { timeout: 90_000 }, async () => {
    const dataDir = join(scratch, "c");
    const database = await openDatabase({ dataDir, pgliteTemplate: join(scratch, "missing") });
    await database.close();
    expect(readdirSync(join(dataDir, "pglite"))).toContain("PG_VERSION");
  });
});
