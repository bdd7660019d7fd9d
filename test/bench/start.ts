/**
 * Start time and idle memory of the production start: the built bundle (dist/main.js, what `npm start` runs)
 * in Telegram polling mode against the fake Bot API, timed from spawn to its first getUpdates, and its RSS once
 * it has been idle for a while. Against, in the same run: a bare node process that connects the same database
 * and starts a bare grammY poller (the floor), and the old start through tsx (`node --import tsx bot/main.ts`).
 * PostgreSQL (a fresh database per side: the first start migrates it, the reopened start finds it migrated) and
 * PGlite (a fresh data directory, then the same one reopened). Run alone with `npx tsx test/bench/start.ts [runs]`;
 * PostgreSQL only when DATABASE_URL is set.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import postgres from "postgres";
import { type FakeTelegram, type RecordedCall, startFakeTelegram } from "../fake-telegram/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SETTLE_MS = 3000;

export interface StartSample {
  readyMs: number;
  rssMb: number;
}

export interface StartRow {
  database: "postgres" | "pglite";
  phase: "first" | "reopened";
  side: string;
  readyMs: number;
  rssMb: number;
}

type Command = { label: string; file?: string; args: string[] };

const BUILT: Command = { label: "node dist/main.js (built)", args: ["--enable-source-maps", "dist/main.js"] };
/** The whole command: npm, the prestart's up-to-date check, then the bundle. RSS is the bot's own process. */
const NPM: Command = { label: "npm start", file: "npm", args: ["start", "--silent"] };
const TSX: Command = { label: "tsx bot/main.ts (old start)", args: ["--import", "tsx", "bot/main.ts"] };
/** The floor: the database driver connected and a bare grammY poller, nothing of the bot. */
const BARE: Command = {
  label: "bare grammY + driver (baseline)",
  args: [
    "--input-type=module",
    "-e",
    `import { Bot } from "grammy";
     const env = process.env;
     if (env.DATABASE_URL) {
       const { default: postgres } = await import("postgres");
       await postgres(env.DATABASE_URL, { max: 10 })\`select 1\`;
     } else {
       const { PGlite } = await import("@electric-sql/pglite");
       const db = await PGlite.create({ dataDir: env.DATA_DIR + "/pglite" });
       await db.query("select 1");
     }
     const bot = new Bot(env.TELEGRAM_BOT_TOKEN, { client: { apiRoot: env.TELEGRAM_API_ROOT } });
     bot.on("message", (ctx) => ctx.reply("ok"));
     void bot.start();`,
  ],
};

/** The process that does the work: the deepest descendant (npm → sh → node), or the process itself. */
function worker(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  return children.length ? worker(Number(children[children.length - 1])) : pid;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Spawns one start, waits for its first getUpdates, lets it idle, reads its RSS and stops it. */
async function sample(fake: FakeTelegram, cmd: Command, env: Record<string, string>): Promise<StartSample> {
  const seen = fake.calls.length;
  const started = Date.now();
  const child = spawn(cmd.file ?? process.execPath, cmd.args, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...env,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TERMINAL_CHAT: "off",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "pipe"],
    // Its own process group: `npm start` runs the bot as a grandchild, which must stop with it.
    detached: true,
  });
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      child.kill(sig);
    }
  };
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    let exitCode: number | null | undefined;
    void exited.then((code) => {
      exitCode = code;
    });
    // A long poll is answered only after its timeout, so the call is looked for on arrival, not on answer.
    let first: RecordedCall | undefined;
    for (const deadline = started + 60_000; !first; await new Promise((r) => setTimeout(r, 5))) {
      if (exitCode !== undefined) throw new Error(`${cmd.label} exited ${exitCode}: ${stderr.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`${cmd.label} did not poll within 60 s`);
      first = fake.calls.slice(seen).find((c) => c.method === "getUpdates");
    }
    const readyMs = first.at - started;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return { readyMs, rssMb: rssMb(worker(child.pid!)) };
  } finally {
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), 10_000);
    await exited;
    // npm exits at once; the bot under it is still stopping (grammY's last getUpdates): wait for the whole group,
    // or its calls would be taken for the next start's.
    while (groupAlive(child.pid!)) await new Promise((r) => setTimeout(r, 20));
    clearTimeout(timer);
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function medianSample(samples: StartSample[]): StartSample {
  return { readyMs: median(samples.map((s) => s.readyMs)), rssMb: median(samples.map((s) => s.rssMb)) };
}

interface Target {
  kind: "postgres" | "pglite";
  /** A fresh, empty database for one side; returns its env and how to drop it. */
  fresh(): Promise<{ env: Record<string, string>; drop: () => Promise<void> }>;
}

function pgliteTarget(): Target {
  return {
    kind: "pglite",
    fresh: async () => {
      const dir = mkdtempSync(join(tmpdir(), "hb-bench-start-"));
      return { env: { DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  };
}

function postgresTarget(url: string): Target {
  let n = 0;
  return {
    kind: "postgres",
    fresh: async () => {
      const name = `hb_bench_start_${process.pid}_${n++}`;
      const admin = postgres(url, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`create database ${name}`);
      const u = new URL(url);
      u.pathname = `/${name}`;
      const dir = mkdtempSync(join(tmpdir(), "hb-bench-start-"));
      return {
        env: { DATA_DIR: dir, DATABASE_URL: u.toString() },
        drop: async () => {
          await admin.unsafe(`drop database if exists ${name} with (force)`);
          await admin.end();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

/** Each side: `runs` fresh databases started once (first), then the last one reopened `runs` times. */
async function measure(fake: FakeTelegram, target: Target, cmd: Command, runs: number): Promise<StartRow[]> {
  const first: StartSample[] = [];
  const reopened: StartSample[] = [];
  for (let i = 0; i < runs; i++) {
    const db = await target.fresh();
    try {
      first.push(await sample(fake, cmd, db.env));
      if (i === runs - 1) for (let j = 0; j < runs; j++) reopened.push(await sample(fake, cmd, db.env));
    } finally {
      await db.drop();
    }
  }
  return [
    { database: target.kind, phase: "first", side: cmd.label, ...medianSample(first) },
    { database: target.kind, phase: "reopened", side: cmd.label, ...medianSample(reopened) },
  ];
}

export async function benchStart(
  opts: { runs?: number; databaseUrl?: string; log?: (l: string) => void } = {},
) {
  const log = opts.log ?? ((l: string) => console.log(l));
  const runs = opts.runs ?? 3;
  const builder = (await import(pathToFileURL(join(root, "scripts/build.mjs")).href)) as {
    build: () => Promise<void>;
    isTemplateStale: () => boolean;
    makeTemplate: () => void;
  };
  // What `npm start`'s prestart does on a fresh clone, timed once: the bundle, then PGlite's template.
  let t = Date.now();
  await builder.build();
  log(`build: bundle ${Date.now() - t} ms`);
  if (builder.isTemplateStale()) {
    t = Date.now();
    builder.makeTemplate();
    log(`build: PGlite template ${Date.now() - t} ms (once per clone and migration)`);
  }
  const targets = [...(opts.databaseUrl ? [postgresTarget(opts.databaseUrl)] : []), pgliteTarget()];
  if (!opts.databaseUrl) log("PostgreSQL skipped: set DATABASE_URL to measure it too");
  const fake = await startFakeTelegram();
  const rows: StartRow[] = [];
  try {
    for (const target of targets)
      for (const cmd of [BARE, BUILT, NPM, TSX]) rows.push(...(await measure(fake, target, cmd, runs)));
  } finally {
    await fake.close();
  }
  log(`start to first getUpdates and RSS after ${SETTLE_MS / 1000} s idle, median of ${runs} (polling mode)`);
  log("| database | start | side | ready ms | RSS MB | ready ÷ baseline | RSS ÷ baseline |");
  log("|---|---|---|---:|---:|---:|---:|");
  for (const r of rows) {
    const base = rows.find((b) => b.database === r.database && b.phase === r.phase && b.side === BARE.label)!;
    log(
      `| ${r.database} | ${r.phase} | ${r.side} | ${r.readyMs.toFixed(0)} | ${r.rssMb.toFixed(0)} | ` +
        `${(r.readyMs / base.readyMs).toFixed(2)} | ${(r.rssMb / base.rssMb).toFixed(2)} |`,
    );
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = process.argv[2] ? Number(process.argv[2]) : undefined;
  await benchStart({ runs, databaseUrl: process.env.DATABASE_URL });
  process.exit(0);
}
