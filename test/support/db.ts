import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { inject } from "vitest";
import { type Database, openDatabase } from "../../db/client.js";

export interface FreshDatabase {
  kind: "postgres" | "pglite";
  /** The environment that points the app at this database. */
  env: { DATABASE_URL?: string; DATA_DIR: string };
  open(): Promise<Database>;
  drop(): Promise<void>;
}

let counter = 0;

/** A new, migrated, empty database cloned from the run's template (PostgreSQL or PGlite, as the run is). */
export async function freshDatabase(): Promise<FreshDatabase> {
  const template = inject("dbTemplate");
  const dataDir = mkdtempSync(join(tmpdir(), "hb-t-"));
  if (template.kind === "postgres") {
    counter += 1;
    const name = `hb_t_${process.ppid}_${process.pid}_${counter}`;
    const admin = postgres(template.url, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database ${name} template ${template.name}`);
    } finally {
      await admin.end();
    }
    const u = new URL(template.url);
    u.pathname = `/${name}`;
    const url = u.toString();
    return {
      kind: "postgres",
      env: { DATABASE_URL: url, DATA_DIR: dataDir },
      open: () => openDatabase({ databaseUrl: url, dataDir }),
      drop: async () => {
        const a = postgres(template.url, { max: 1, onnotice: () => {} });
        await a.unsafe(`drop database if exists ${name} with (force)`).finally(() => a.end());
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  cpSync(template.dir, dataDir, { recursive: true });
  return {
    kind: "pglite",
    env: { DATA_DIR: dataDir },
    open: () => openDatabase({ dataDir }),
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/**
 * A database as a new install finds it: empty, not even migrated (PostgreSQL: a new database; PGlite: an empty
 * data directory). What starting the bot does to it is what a district's first start does.
 */
export async function emptyDatabase(): Promise<FreshDatabase> {
  const template = inject("dbTemplate");
  const dataDir = mkdtempSync(join(tmpdir(), "hb-e-"));
  if (template.kind === "pglite")
    return {
      kind: "pglite",
      env: { DATA_DIR: dataDir },
      open: () => openDatabase({ dataDir }),
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  counter += 1;
  // Named like the clones, so the run's teardown drops it even if this file does not.
  const name = `hb_t_${process.ppid}_${process.pid}_${counter}_empty`;
  const admin = postgres(template.url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(template.url);
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    kind: "postgres",
    env: { DATABASE_URL: url, DATA_DIR: dataDir },
    open: () => openDatabase({ databaseUrl: url, dataDir }),
    drop: async () => {
      const a = postgres(template.url, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`).finally(() => a.end());
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
