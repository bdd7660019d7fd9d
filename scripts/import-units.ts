// Loads provinces and communes/wards: `npm run import-units -- <file.json>` (format of
// ../shared/data/vn-admin-units-2025.json). Safe to run again: every unit is inserted or updated by its code.
import { readFileSync } from "node:fs";
import { loadConfig } from "../bot/platform/config.js";
import { importAdminUnits, unitsFileSchema } from "../bot/shared/admin-units.js";
import { openDatabase } from "../db/client.js";

async function run(argv: string[]): Promise<void> {
  const path = argv[0];
  if (!path || path === "help" || path === "--help") {
    console.log("Usage: npm run import-units -- <file.json>");
    return;
  }
  const parsed = unitsFileSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path} is not a unit list: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const config = loadConfig(process.env);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const counts = await database.db.transaction((tx) => importAdminUnits(tx, parsed.data, new Date()));
    console.log(`imported ${counts.provinces} provinces and ${counts.communes} communes/wards`);
  } finally {
    await database.close();
  }
}

run(process.argv.slice(2)).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
