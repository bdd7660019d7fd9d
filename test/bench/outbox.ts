/**
 * Outbox benchmark on PostgreSQL against the fake Bot API (test/fake-telegram): the achieved send rate
 * against the configured limit (1000/s and 30/s), then a sender SIGKILLed mid-run and a second one that
 * finishes, counting losses and duplicates from the fake's recorded calls.
 * Run alone with `npx tsx test/bench/outbox.ts [messages]` (DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres; it creates and drops its own database).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { and, count, eq, like } from "drizzle-orm";
import postgres from "postgres";
import { enqueue, type NewOutboxMessage } from "../../bot/platform/outbox/enqueue.js";
import { type Database, openDatabase } from "../../db/client.js";
import { outbox } from "../../db/schema/index.js";
import { type FakeTelegram, startFakeTelegram } from "../fake-telegram/index.js";
import type { ChildOptions } from "./outbox-child.js";

export interface BenchOutboxOptions {
  /** A PostgreSQL URL to create the bench database from. */
  databaseUrl?: string;
  /** Messages (to as many chats) at the fast limit. */
  messages?: number;
  fastRate?: number;
  sampleMessages?: number;
  slowRate?: number;
  crashMessages?: number;
  crashRate?: number;
  /** Lease of the crash run: how long the second sender waits for the first one's claims. */
  crashLeaseMs?: number;
  log?: (line: string) => void;
}

export interface RateRow {
  phase: string;
  messages: number;
  limit: number;
  achieved: number;
  /** achieved ÷ limit, both measured in this run. */
  ratio: number;
  /** The same over the last 90% of the sends (without the sender's start-up and JIT warm-up). */
  warmRatio: number;
}

export interface CrashRow {
  enqueued: number;
  sentBeforeKill: number;
  /** Rows `sending` when the first sender died: the most that can be sent twice. */
  inFlightAtKill: number;
  /** Sent by the fake's record but not yet marked in the table when the sender died. */
  sentNotMarked: number;
  delivered: number;
  lost: number;
  duplicates: number;
}

export interface BenchOutboxResult {
  name: "outbox";
  enqueuePerSecond: number;
  /** os.loadavg() at the end: on a shared machine the rates say as much about it as about the code. */
  loadAverage: string[];
  rates: RateRow[];
  crash: CrashRow;
}

const CHILD = fileURLToPath(new URL("./outbox-child.ts", import.meta.url));
const TOKEN = "123456:BENCH-TOKEN";

export async function benchOutbox(opts: BenchOutboxOptions = {}): Promise<BenchOutboxResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const adminUrl = opts.databaseUrl ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `hb_bench_outbox_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const database = await openDatabase({ databaseUrl, dataDir: "" });
  try {
    const n = opts.messages ?? 100_000;
    const started = performance.now();
    const fast = await ratePhase(database, databaseUrl, "fast", n, opts.fastRate ?? 1000, log);
    const enqueuePerSecond = fast.enqueuePerSecond;
    log(`  enqueued ${n} in ${((performance.now() - started) / 1000).toFixed(1)} s incl. sending`);
    const slow = await ratePhase(
      database,
      databaseUrl,
      "slow",
      opts.sampleMessages ?? 600,
      opts.slowRate ?? 30,
      log,
    );
    const crash = await crashPhase(database, databaseUrl, opts, log);
    const loadAverage = loadavg().map((x) => x.toFixed(1));
    const rates = [fast.row, slow.row];
    const result: BenchOutboxResult = { name: "outbox", enqueuePerSecond, loadAverage, rates, crash };
    printTable(result, log);
    return result;
  } finally {
    await database.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
  }
}

function messages(prefix: string, n: number, firstChat: number): NewOutboxMessage[] {
  return Array.from({ length: n }, (_, i) => ({
    channel: "telegram" as const,
    chatId: String(firstChat + i),
    dedupeKey: `${prefix}:${i}`,
    reply: { kind: "text" as const, text: `Nhắc khai báo y tế hằng ngày #${i}` },
  }));
}

async function ratePhase(
  database: Database,
  databaseUrl: string,
  phase: string,
  n: number,
  rate: number,
  log: (line: string) => void,
): Promise<{ row: RateRow; enqueuePerSecond: number }> {
  const fake = await startFakeTelegram({ token: TOKEN });
  try {
    const t0 = performance.now();
    await enqueue(database.db, messages(phase, n, phase === "fast" ? 1_000_000 : 5_000_000));
    const enqueuePerSecond = n / ((performance.now() - t0) / 1000);
    log(`${phase}: ${n} messages enqueued (${Math.round(enqueuePerSecond)}/s), sending at ${rate}/s`);
    const child = startChild({ databaseUrl, apiRoot: fake.apiRoot, token: TOKEN, rate, leaseMs: 60_000 });
    await child.exited.finally(() => child.kill());
    const times = okSends(fake)
      .map((c) => c.at)
      .sort((a, b) => a - b);
    const achieved = rateOf(times);
    const warm = rateOf(times.slice(Math.floor(times.length / 10)));
    if (times.length !== n) log(`  warning: ${times.length} of ${n} sent`);
    const row = { phase, messages: n, limit: rate, achieved, ratio: achieved / rate, warmRatio: warm / rate };
    return { row, enqueuePerSecond };
  } finally {
    await fake.close();
  }
}

async function crashPhase(
  database: Database,
  databaseUrl: string,
  opts: BenchOutboxOptions,
  log: (line: string) => void,
): Promise<CrashRow> {
  const n = opts.crashMessages ?? 5000;
  const fake = await startFakeTelegram({ token: TOKEN });
  const childOpts: ChildOptions = {
    databaseUrl,
    apiRoot: fake.apiRoot,
    token: TOKEN,
    rate: opts.crashRate ?? 1000,
    leaseMs: opts.crashLeaseMs ?? 3000,
  };
  try {
    await enqueue(database.db, messages("crash", n, 9_000_000));
    log(`crash: ${n} messages; SIGKILL the sender after ${Math.round(n * 0.4)} sends`);
    const first = startChild(childOpts);
    await waitFor(() => okSends(fake).length >= n * 0.4, 120_000).finally(() => first.kill());
    await first.exited;
    const sentBeforeKill = okSends(fake).length;
    const inFlightAtKill = await countStatus(database, "sending");
    const sentNotMarked = sentBeforeKill - (await countStatus(database, "sent", "crash:%"));
    const second = startChild(childOpts);
    await second.exited.finally(() => second.kill());
    const perChat = new Map<number, number>();
    for (const c of okSends(fake)) perChat.set(c.params.chat_id, (perChat.get(c.params.chat_id) ?? 0) + 1);
    let lost = 0;
    let duplicates = 0;
    for (let i = 0; i < n; i++) {
      const times = perChat.get(9_000_000 + i) ?? 0;
      if (times === 0) lost += 1;
      duplicates += Math.max(0, times - 1);
    }
    return {
      enqueued: n,
      sentBeforeKill,
      inFlightAtKill,
      sentNotMarked,
      delivered: perChat.size,
      lost,
      duplicates,
    };
  } finally {
    await fake.close();
  }
}

/** Sends per second between the first and the last of these arrival times (ms). */
const rateOf = (times: number[]) =>
  times.length > 1 ? ((times.length - 1) * 1000) / Math.max(1, times.at(-1)! - times[0]!) : 0;

const okSends = (fake: FakeTelegram) => fake.calls.filter((c) => c.method === "sendMessage" && c.ok);

async function countStatus(database: Database, status: string, keys = "%"): Promise<number> {
  const [row] = await database.db
    .select({ n: count() })
    .from(outbox)
    .where(and(eq(outbox.status, status), like(outbox.dedupeKey, keys)));
  return row?.n ?? 0;
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("bench: timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The sender in its own node process (tsx as a loader, so SIGKILL hits the sender itself, not npx). */
function startChild(opts: ChildOptions): { kill(): void; exited: Promise<number | null> } {
  const proc: ChildProcess = spawn(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(opts)], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    proc.once("error", reject);
    proc.once("exit", (code) => resolve(code));
  });
  return {
    kill: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    },
    exited,
  };
}

function printTable(r: BenchOutboxResult, log: (line: string) => void): void {
  log("");
  log("| phase | messages | limit/s | achieved/s | ratio | ratio after warm-up |");
  log("|---|---:|---:|---:|---:|---:|");
  for (const x of r.rates)
    log(
      `| ${x.phase} | ${x.messages} | ${x.limit} | ${x.achieved.toFixed(1)} | ${x.ratio.toFixed(3)} | ${x.warmRatio.toFixed(3)} |`,
    );
  const c = r.crash;
  log("");
  log(
    "| crash: enqueued | sent before kill | in flight at kill | sent, not marked | delivered | lost | duplicates |",
  );
  log("|---:|---:|---:|---:|---:|---:|---:|");
  log(
    `| ${c.enqueued} | ${c.sentBeforeKill} | ${c.inFlightAtKill} | ${c.sentNotMarked} | ${c.delivered} | ${c.lost} | ${c.duplicates} |`,
  );
  log(`(enqueue: ${Math.round(r.enqueuePerSecond)} messages/s; load average ${r.loadAverage.join(" ")})`);
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const messagesArg = process.argv[2] ? Number(process.argv[2]) : undefined;
  const result = await benchOutbox({ databaseUrl: process.env.DATABASE_URL, messages: messagesArg });
  const ok = result.crash.lost === 0 && result.crash.duplicates <= result.crash.inFlightAtKill;
  process.exit(ok ? 0 : 1);
}
