import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureVisitPartitions, visitPartitions } from "../../../bot/features/checkpoint/partitions.js";
import { checkIn, userVisitor } from "../../../bot/features/checkpoint/visits.js";
import { type Database, migrationsFolder } from "../../../db/client.js";
import { rawRows } from "../../../db/raw.js";
import { openVisits, visits } from "../../../db/schema/index.js";
import { emptyDatabase, type FreshDatabase } from "../../support/db.js";

/**
 * Migration 0006 on a deployment that has visits (PostgreSQL or PGlite, as the run is): the old table is kept
 * as the partition visits_legacy with every row, its open visits move to open_visits, ids go on, and new
 * check-ins land in the new partitions.
 */

const TZ = "Asia/Ho_Chi_Minh";
const BEFORE = "0006_visits_partitioned";
let fresh: FreshDatabase;
let scratch: string;
let database: Database;

/** The migrations folder as it was before 0006. */
function migrationsBefore(dir: string): string {
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === BEFORE);
  for (const e of journal.entries.slice(at)) rmSync(join(dir, `${e.tag}.sql`));
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

/** Runs `fn` on the database migrated up to 0005, with the driver the run uses. */
async function onOldSchema(fn: (exec: (q: string) => Promise<unknown>) => Promise<void>): Promise<void> {
  const folder = migrationsBefore(join(scratch, "migrations"));
  if (fresh.kind === "postgres") {
    const [{ default: postgres }, { drizzle }, { migrate }] = await Promise.all([
      import("postgres"),
      import("drizzle-orm/postgres-js"),
      import("drizzle-orm/postgres-js/migrator"),
    ]);
    const client = postgres(fresh.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    try {
      await migrate(drizzle(client), { migrationsFolder: folder });
      await fn((q) => client.unsafe(q));
    } finally {
      await client.end();
    }
    return;
  }
  const [{ PGlite }, { drizzle }, { migrate }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
    import("drizzle-orm/pglite/migrator"),
  ]);
  const client = await PGlite.create({ dataDir: join(fresh.env.DATA_DIR, "pglite") });
  try {
    await migrate(drizzle(client), { migrationsFolder: folder });
    await fn((q) => client.exec(q));
  } finally {
    await client.close();
  }
}

const now = new Date();
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "hb-mig-"));
  fresh = await emptyDatabase();
  await onOldSchema(async (exec) => {
    await exec(`insert into users (id) values (1), (2), (3)`);
    await exec(`insert into checkpoints (id, code, short_code, name, address, kind, stay_minutes)
      values (1, 'code-one', 'AAAA1111', 'Chợ', 'x', 'shop', 240), (2, 'code-two', 'BBBB2222', 'Quán', 'x', 'shop', 240)`);
    // Two closed visits of user 1, an open one of user 2, an open walk-in, a closed one of user 3.
    await exec(`insert into visits (checkpoint_id, user_id, visitor_key, method, checked_in_at, auto_checkout_at,
        checked_out_at, ended_how) values
      (1, 1, 'u:1', 'link', '${hoursAgo(30)}', '${hoursAgo(26)}', '${hoursAgo(29)}', 'manual'),
      (2, 1, 'u:1', 'link', '${hoursAgo(20)}', '${hoursAgo(16)}', '${hoursAgo(19)}', 'superseded'),
      (1, 2, 'u:2', 'link', '${hoursAgo(1)}', '${hoursAgo(-3)}', null, null),
      (2, null, 'w:+84900000001', 'staff_manual', '${hoursAgo(2)}', '${hoursAgo(-2)}', null, null),
      (2, 3, 'u:3', 'link', '${hoursAgo(3)}', '${hoursAgo(-1)}', '${hoursAgo(2)}', 'manual')`);
  });
  database = await fresh.open();
});
afterAll(async () => {
  await database?.close();
  await fresh?.drop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("migration 0006 on a deployment with visits", () => {
  it("keeps every visit in visits_legacy and moves the open ones to open_visits", async () => {
    const db = database.db;
    const parts = await visitPartitions(db);
    expect(parts.map((p) => [p.name, p.isDefault])).toEqual([
      ["visits_legacy", false],
      ["visits_default", true],
    ]);
    expect(parts[0]!.from).toBeNull();
    expect(parts[0]!.to!.getTime()).toBeGreaterThan(new Date(hoursAgo(0.5)).getTime());
    const rows = await db.select().from(visits).orderBy(visits.id);
    expect(rows.map((r) => r.visitorKey)).toEqual(["u:1", "u:1", "u:2", "w:+84900000001", "u:3"]);
    const open = await db.select().from(openVisits).orderBy(openVisits.visitId);
    expect(open.map((o) => [o.visitorKey, o.visitId, o.checkpointId, o.userId])).toEqual([
      ["u:2", 3, 1, 2],
      ["w:+84900000001", 4, 2, null],
    ]);
    const [pk] = await rawRows(
      db,
      sql`select pg_get_constraintdef(oid) as def from pg_constraint
        where conrelid = 'visits'::regclass and contype = 'p'`,
    );
    expect(pk?.def).toBe("PRIMARY KEY (id, checked_in_at)");
  });

  it("goes on: the day partitions after the migration's day, ids after the old ones, one open visit each", async () => {
    const db = database.db;
    const made = await ensureVisitPartitions(db, now, TZ);
    // Today is partly visits_legacy's: it stays with the default partition.
    expect(made.skipped).toHaveLength(1);
    expect(made.created).toHaveLength(3);
    // After the migration (visits_legacy holds every check-in time up to it).
    const moved = await checkIn(db, {
      checkpoint: { id: 2, stayMinutes: 240 },
      visitor: userVisitor(2),
      method: "link",
      now: new Date(Date.now() + 60_000),
      cap: null,
      timeZone: TZ,
    });
    expect(moved).toMatchObject({ kind: "checked_in", closed: { visitId: 3, how: "superseded" } });
    if (moved.kind !== "checked_in") return;
    expect(moved.visit.id).toBe(6);
    const [where] = await rawRows(
      db,
      sql`select tableoid::regclass::text as part from visits where id = ${moved.visit.id}`,
    );
    expect(where?.part).toBe("visits_default");
    const open = await db.select().from(openVisits).orderBy(openVisits.visitId);
    expect(open.map((o) => [o.visitorKey, o.visitId])).toEqual([
      ["w:+84900000001", 4],
      ["u:2", 6],
    ]);
  });
});
