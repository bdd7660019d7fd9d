import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { ensureAdminUnits } from "../../bot/shared/admin-units.js";
import { openDatabase } from "../../db/client.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** PostgreSQL: the migrated template database; PGlite: the migrated template data directory. */
    dbTemplate: { kind: "postgres"; url: string; name: string } | { kind: "pglite"; dir: string };
  }
}

export function databaseUrlWith(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Migrates one template database per run, with the shipped unit list loaded as at a first start; each test
 * file clones it (much faster than migrating each).
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `hb_tpl_${process.pid}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name}`);
    await admin.unsafe(`create database ${name}`);
    const template = await openDatabase({ databaseUrl: databaseUrlWith(url, name), dataDir: "" });
    await ensureAdminUnits(template.db, new Date());
    await template.close();
    project.provide("dbTemplate", { kind: "postgres", url, name });
    return async () => {
      const clones = await admin<{ datname: string }[]>`
        select datname from pg_database where datname like ${`hb_t_${process.pid}_%`} or datname = ${name}`;
      for (const { datname } of clones) await admin.unsafe(`drop database if exists ${datname} with (force)`);
      await admin.end();
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "hb-tpl-"));
  const template = await openDatabase({ dataDir: dir });
  await ensureAdminUnits(template.db, new Date());
  await template.close();
  project.provide("dbTemplate", { kind: "pglite", dir });
  return () => rmSync(dir, { recursive: true, force: true });
}
