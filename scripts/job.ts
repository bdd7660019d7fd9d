// Runs one scheduled job by hand: `npm run job -- <name> [--dry-run] [--at <ISO time>]`, or `list`.
import { parseArgs } from "node:util";
import pino from "pino";
import { createI18n } from "../bot/core/i18n.js";
import { listJobs, runJobByHand } from "../bot/jobs.js";
import { loadConfig } from "../bot/platform/config.js";
import { openDatabase } from "../db/client.js";

const HELP = `Usage: npm run job -- <name> [--dry-run] [--at <ISO time>]
       npm run job -- list

Runs one scheduled job now (or as if at --at), on the database of DATABASE_URL / DATA_DIR, and prints what
it did. --dry-run runs it inside a transaction that is rolled back and lists the messages it would queue.`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { "dry-run": { type: "boolean" }, at: { type: "string" }, help: { type: "boolean" } },
  });
  const name = positionals[0];
  if (!name || values.help) {
    console.log(HELP);
    return name ? 0 : 1;
  }
  const at = values.at ? new Date(values.at) : new Date();
  if (Number.isNaN(at.getTime())) throw new Error(`--at: not a time: ${values.at}`);
  const config = loadConfig(process.env);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const deps = {
      config,
      db: database.db,
      i18n: createI18n(),
      logger: pino({ level: "warn" }),
      clock: () => at,
    };
    const jobs = listJobs(deps);
    if (name === "list") {
      for (const [job, { cron }] of jobs) console.log(`${job.padEnd(22)} ${cron}  (${config.timeZone})`);
      return 0;
    }
    if (!jobs.has(name)) {
      console.error(`no job named "${name}"; one of: ${[...jobs.keys()].join(", ")}`);
      return 1;
    }
    const dryRun = values["dry-run"] === true;
    const { summary, queued } = await runJobByHand(deps, name, { at, dryRun });
    console.log(`${name}${dryRun ? " (dry run, rolled back)" : ""}: ${JSON.stringify(summary)}`);
    console.log(`${dryRun ? "would queue" : "queued"} ${queued.length} message(s)`);
    for (const q of queued) {
      const p = q.payload as { kind?: string; text?: string; caption?: string };
      const body = (p.text ?? p.caption ?? "").replace(/\s+/g, " ").slice(0, 80);
      console.log(`  ${q.channel.padEnd(9)} ${q.dedupeKey}  ${p.kind ?? ""}: ${body}`);
    }
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
