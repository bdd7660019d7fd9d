// Loads provinces and communes/wards: `npm run import-units -- <file.json>` (format of the shipped
// db/data/vn-admin-units-2025.json, which the bot loads by itself at first start). For a newer official list.
// Safe to run again: every unit is inserted or updated by its code.
import { loadConfig } from "../bot/platform/config.js";
import { importAdminUnits, readUnitsFile } from "../bot/shared/admin-units.js";
import { openDatabase } from "../db/client.js";

async function run(argv: string[]): Promise<void> {
  const path = argv[0];
  if (!path || path === "help" || path === "--help") {
    console.log("Usage: npm run import-units -- <file.json>");
    return;
  }
  const list = await readUnitsFile(path);
  const config = loadConfig(process.env);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const counts = await database.db.transaction((tx) => importAdminUnits(tx, list, new Date()));
    console.log(`imported ${counts.provinces} provinces and ${counts.communes} communes/wards`);
  } finally {
    await database.close();
  }
}

run(process.argv.slice(2)).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
