/**
 * Scale-out: two bot processes (the built bundle, as `npm start` runs it) on one PostgreSQL, behind one webhook
 * URL served by a tiny round-robin proxy, against the fake Bot API. Shows, in one run:
 *  - check-in throughput of one instance alone behind the proxy, then of both together (same load, same run);
 *  - every check-in handled once: visits created = updates, one reply each, and every update POSTed a second
 *    time (the replay lands on the other instance half the time) changes nothing;
 *  - the outbox drained by exactly one sender (per-instance /metrics counters), and taken over by the other
 *    when that one stops.
 * PostgreSQL only (PGlite is one process's database): `DATABASE_URL=… npx tsx test/bench/scale-out.ts [updates]`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { and, count, eq, inArray, like } from "drizzle-orm";
import postgres from "postgres";
import { enqueue } from "../../bot/platform/outbox/enqueue.js";
import { type Db, openDatabase } from "../../db/client.js";
import { outbox, visits } from "../../db/schema/index.js";
import { type FakeTelegram, startFakeTelegram } from "../fake-telegram/index.js";
import { freePort, seedCheckinWorld } from "./checkin-seed.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SECRET = "bench_scale_secret";
const HOOK_PATH = "/telegram/hook";

interface Phase {
  label: string;
  updates: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** Round robin over `targets` (ports), changed between phases; bodies and answers are piped through. */
function startProxy(targets: number[]): Promise<{ server: Server; port: number }> {
  let next = 0;
  const server = createServer((req, res) => {
    const port = targets[next++ % targets.length]!;
    const upstream = request(
      { host: "127.0.0.1", port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({ server, port: typeof address === "object" && address ? address.port : 0 });
    }),
  );
}

/** CPU time (user + system) a process has used, in ms, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Instance {
  name: string;
  port: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  metrics(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

async function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ["dist/main.js"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let code: number | null | undefined;
  void exited.then((c) => {
    code = c;
  });
  for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 50))) {
    if (code !== undefined) throw new Error(`instance ${name} exited ${code} at start`);
    if (Date.now() > deadline) throw new Error(`instance ${name} not healthy within 60 s`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
  }
  return {
    name,
    port,
    child,
    exited,
    async metrics() {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const m = new Map<string, number>();
      for (const line of text.split("\n")) {
        const hit = /^healthbot_(\w+) (\d+)/.exec(line);
        if (hit) m.set(hit[1]!, Number(hit[2]));
      }
      return m;
    },
    async stop() {
      if (code !== undefined) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function checkinUpdate(updateId: number, userId: number, code: string) {
  const from = { id: userId, is_bot: false, first_name: `R${userId}`, language_code: "vi" };
  const text = `/start cp_${code}`;
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      from,
      chat: { id: userId, type: "private", first_name: from.first_name },
      date: Math.floor(Date.now() / 1000),
      text,
      entities: [{ offset: 0, length: 6, type: "bot_command" }],
    },
  };
}

/** POSTs the updates, `concurrency` at a time, to the proxy as Telegram would (its secret header). */
async function load(url: string, label: string, updates: object[], concurrency: number): Promise<Phase> {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < updates.length) {
        const body = JSON.stringify(updates[next++]);
        const t = performance.now();
        const r = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
          body,
        }).catch(() => null);
        await r?.arrayBuffer();
        latencies.push(performance.now() - t);
        if (r?.status !== 200) failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    label,
    updates: updates.length,
    perSecond: updates.length / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    failed,
  };
}

async function seed(db: Db, residents: number, now: Date) {
  return seedCheckinWorld(db, { residents, now, firstId: 710_000_000, names: ["Scale A", "Scale B"] });
}

async function until(what: string, test: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await test()); await new Promise((r) => setTimeout(r, 50)))
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
}

export async function benchScaleOut(opts: {
  databaseUrl?: string;
  updates?: number;
  concurrency?: number;
  log?: (l: string) => void;
}): Promise<boolean> {
  const log = opts.log ?? ((l: string) => console.log(l));
  if (!opts.databaseUrl) {
    log("skipped: two instances need PostgreSQL; set DATABASE_URL");
    return true;
  }
  const perPhase = opts.updates ?? 600;
  const concurrency = opts.concurrency ?? 16;
  const { build } = (await import(pathToFileURL(join(root, "scripts/build.mjs")).href)) as {
    build: () => Promise<void>;
  };
  await build();

  const name = `hb_bench_scale_${process.pid}`;
  const admin = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const u = new URL(opts.databaseUrl);
  u.pathname = `/${name}`;
  const dataDir = mkdtempSync(join(tmpdir(), "hb-bench-scale-"));
  const fake: FakeTelegram = await startFakeTelegram({ ackTimeoutMs: 30_000 });
  const targets: number[] = [];
  const proxy = await startProxy(targets);
  const hookUrl = `http://127.0.0.1:${proxy.port}${HOOK_PATH}`;
  const database = await openDatabase({ databaseUrl: u.toString(), dataDir });
  const instances: Instance[] = [];
  let ok = true;
  const check = (what: string, pass: boolean) => {
    log(`${pass ? "ok  " : "FAIL"} ${what}`);
    ok &&= pass;
  };
  try {
    // At most 20 check-ins per resident, under the daily cap of 30.
    const residents = Math.max(100, Math.ceil((perPhase * 2.2) / 20));
    const { ids, codes } = await seed(database.db, residents, new Date());
    const env = {
      DATABASE_URL: u.toString(),
      DATA_DIR: dataDir,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_URL: hookUrl,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      LOG_LEVEL: "warn",
      TERMINAL_CHAT: "off",
      // A hundred residents each checking in a dozen times in seconds: the per-chat limits are the flood bench's.
      RATE_LIMIT_BURST: "1000",
      TELEGRAM_CHAT_RATE_PER_SECOND: "1000",
    };
    let updateId = 1_000_000;
    // Each resident alternates between A and B, so that every update is a real check-in, never "already here".
    const checkins = new Map<number, number>();
    const plan = (n: number) =>
      Array.from({ length: n }, (_, i) => {
        const resident = ids[i % ids.length]!;
        const k = checkins.get(resident) ?? 0;
        checkins.set(resident, k + 1);
        return checkinUpdate(updateId++, resident, codes[k % codes.length]!);
      });
    const visitCount = async () => (await database.db.select({ n: count() }).from(visits))[0]!.n;
    const replies = () => fake.callsOf("sendMessage").filter((c) => c.ok).length;

    instances.push(await startInstance("A", env));
    targets.push(instances[0]!.port);
    // Warm-up: every resident checks in once, through A.
    await load(hookUrl, "warm-up", plan(ids.length), concurrency);

    const phases: Phase[] = [];
    const v0 = await visitCount();
    const r0 = replies();
    const cpu = () => instances.map((i) => cpuMs(i.child.pid!));
    const cpuOne = cpu();
    phases.push(await load(hookUrl, "one instance behind the proxy", plan(perPhase), concurrency));
    const cpuOnePerCheckin = (cpu()[0]! - cpuOne[0]!) / perPhase;

    instances.push(await startInstance("B", env));
    targets.push(instances[1]!.port);
    // B gets the same warm-up as A (straight to its port), so that its JIT warm-up is not counted against two.
    await load(
      `http://127.0.0.1:${instances[1]!.port}${HOOK_PATH}`,
      "warm-up B",
      plan(ids.length),
      concurrency,
    );
    const handledBefore = await Promise.all(
      instances.map(async (i) => (await i.metrics()).get("updates_handled_total") ?? 0),
    );
    const both = plan(perPhase);
    const cpuTwo = cpu();
    phases.push(await load(hookUrl, "two instances behind the proxy", both, concurrency));
    const cpuTwoPerCheckin = cpu().reduce((sum, c, i) => sum + c - cpuTwo[i]!, 0) / perPhase;
    const handledAfter = await Promise.all(
      instances.map(async (i) => (await i.metrics()).get("updates_handled_total") ?? 0),
    );
    await until("replies", async () => replies() - r0 >= perPhase * 2 + ids.length, 10_000).catch(() => {});
    const v1 = await visitCount();
    const r1 = replies();
    // The same updates again: Telegram re-delivers after a timeout; half land on the other instance.
    const replay = await load(hookUrl, "replay of the same updates", both, concurrency);
    await new Promise((r) => setTimeout(r, 500));
    const v2 = await visitCount();
    const r2 = replies();

    log(
      `check-in over one webhook URL (PostgreSQL), ${perPhase} updates per phase, ${concurrency} concurrent POSTs`,
    );
    log("| phase | updates/s | p50 ms | p99 ms | failed |");
    log("|---|---:|---:|---:|---:|");
    for (const p of [...phases, replay])
      log(
        `| ${p.label} | ${p.perSecond.toFixed(1)} | ${p.p50Ms.toFixed(1)} | ${p.p99Ms.toFixed(1)} | ${p.failed} |`,
      );
    log(`ratio two instances ÷ one: ${(phases[1]!.perSecond / phases[0]!.perSecond).toFixed(3)} (same run)`);
    const split = handledAfter.map((n, i) => `${instances[i]!.name} ${n - handledBefore[i]!}`).join(", ");
    log(`updates handled per instance in the two-instance phase: ${split}`);
    // Coordination between instances would show as more bot CPU per check-in; on a machine whose cores are
    // already busy, a second process cannot add throughput, so this is the figure that carries over.
    log(
      `bot CPU per check-in: one instance ${cpuOnePerCheckin.toFixed(1)} ms, two together ${cpuTwoPerCheckin.toFixed(1)} ms ` +
        `(ratio ${(cpuTwoPerCheckin / cpuOnePerCheckin).toFixed(2)}); cores on this machine: ${availableParallelism()}`,
    );
    check(
      `every POST answered 200 (${phases.concat(replay).reduce((n, p) => n + p.failed, 0)} failed)`,
      phases.every((p) => p.failed === 0) && replay.failed === 0,
    );
    const expected = perPhase * 2 + ids.length;
    check(`visits created = check-ins: ${v1 - v0} of ${expected}`, v1 - v0 === expected);
    check(`one reply per check-in: ${r1 - r0} of ${expected}`, r1 - r0 === expected);
    check(`the replay changed nothing: ${v2 - v1} visits, ${r2 - r1} replies`, v2 === v1 && r2 === r1);
    check(
      "both instances took updates",
      handledAfter.every((n, i) => n > handledBefore[i]!),
    );

    // Outbox: both running, one sender drains it; then the sender stops and the other takes over.
    const sentBy = async () =>
      Promise.all(
        instances.map(async (i) =>
          i.child.exitCode === null ? ((await i.metrics()).get("outbox_telegram_ok_total") ?? 0) : 0,
        ),
      );
    const drained = async () =>
      (
        await database.db
          .select({ n: count() })
          .from(outbox)
          .where(inArray(outbox.status, ["pending", "sending"]))
      )[0]!.n === 0;
    const notices = (batch: string, n: number) =>
      ids.slice(0, n).map((chat) => ({
        channel: "telegram" as const,
        chatId: String(chat),
        dedupeKey: `scale:${batch}:${chat}`,
        reply: { kind: "text" as const, text: "Thông báo thử" },
      }));
    const n1 = ids.length;
    // What was queued before (the managers' command menus) is sent first and not counted.
    await until("the outbox to drain", drained);
    const sent0 = await sentBy();
    const t1 = Date.now();
    await enqueue(database.db, notices("first", n1));
    await until("the outbox to drain", drained);
    const drainSeconds = (Date.now() - t1) / 1000;
    const sent1 = (await sentBy()).map((n, i) => n - sent0[i]!);
    log(
      `outbox: ${n1} messages drained in ${drainSeconds.toFixed(1)} s; sent by ${sent1.map((n, i) => `${instances[i]!.name} ${n}`).join(", ")}`,
    );
    check(
      "exactly one instance sent them, each once",
      sent1.filter((n) => n > 0).length === 1 && sent1.reduce((a, b) => a + b, 0) === n1,
    );
    const leader = instances[sent1.findIndex((n) => n > 0)]!;
    const other = instances.find((i) => i !== leader)!;
    const otherBefore = (await other.metrics()).get("outbox_telegram_ok_total") ?? 0;
    await leader.stop();
    const n2 = Math.min(50, ids.length);
    const t2 = Date.now();
    await enqueue(database.db, notices("after", n2));
    await until("the other instance to take over", drained);
    const takeover = (Date.now() - t2) / 1000;
    const otherSent = ((await other.metrics()).get("outbox_telegram_ok_total") ?? 0) - otherBefore;
    log(
      `the sender (${leader.name}) stopped: ${other.name} sent the next ${otherSent} within ${takeover.toFixed(1)} s`,
    );
    check(`${other.name} took over and sent all ${n2}`, otherSent === n2);
    const sentRows = (
      await database.db
        .select({ n: count() })
        .from(outbox)
        .where(and(eq(outbox.status, "sent"), like(outbox.dedupeKey, "scale:%")))
    )[0]!.n;
    const outboxSends = fake
      .callsOf("sendMessage")
      .filter((c) => c.ok && c.params.text === "Thông báo thử").length;
    check(
      `Bot API received each notice once: ${outboxSends} sends for ${sentRows} sent rows`,
      outboxSends === sentRows,
    );
    return ok;
  } finally {
    await Promise.allSettled(instances.map((i) => i.stop()));
    await database.close();
    proxy.server.close();
    await fake.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const updates = process.argv[2] ? Number(process.argv[2]) : undefined;
  const ok = await benchScaleOut({ databaseUrl: process.env.DATABASE_URL, updates });
  process.exit(ok ? 0 : 1);
}
