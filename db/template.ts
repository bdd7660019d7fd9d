// `node dist/pglite-template.js <dir>`: makes the migrated PGlite data directory that new embedded databases are
// copied from (see pgliteTemplateDir). Run by scripts/build.mjs in its own process, so that initdb's memory is
// never part of the bot's.
import { renameSync, rmSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { openDatabase, pgliteTemplateDir } from "./client.js";

export async function makePgliteTemplate(target: string = pgliteTemplateDir): Promise<void> {
  const work = `${target}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  // openDatabase keeps the database in <dataDir>/pglite.
  const database = await openDatabase({ dataDir: work, pgliteTemplate: null });
  await database.close();
  rmSync(target, { recursive: true, force: true });
  renameSync(`${work}/pglite`, target);
  rmSync(work, { recursive: true, force: true });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await makePgliteTemplate(process.argv[2]);
}
