import { execFile, execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./bot-harness.js";

const BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

/** A PostgreSQL server of the test's own, in a temporary directory on a free port, that it may stop. */
export interface PrivatePostgres {
  url: string;
  port: number;
  /** These run pg_ctl without blocking: the bot in this process keeps running meanwhile. */
  start(): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * Why a private server cannot run here, or null when it can. initdb refuses to run as root, so as root the
 * server runs as the `postgres` OS user (through runuser).
 */
export function privatePostgresUnavailable(): string | null {
  if (!existsSync(join(BIN, "initdb"))) return `no PostgreSQL binaries in ${BIN} (set PG_BIN)`;
  if (process.getuid?.() === 0) {
    if (spawnSync("runuser", ["--help"]).status !== 0) return "running as root without runuser";
    if (spawnSync("id", ["-u", "postgres"]).status !== 0) return "running as root with no postgres OS user";
  }
  return null;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "i13-pg-"));
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = async (tool: string, args: string[]) => {
    const cmd = asRoot ? "runuser" : join(BIN, tool);
    const argv = asRoot ? ["-u", "postgres", "--", join(BIN, tool), ...args] : args;
    try {
      await promisify(execFile)(cmd, argv, { encoding: "utf8", timeout: 60_000 });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`${tool} failed: ${e.stderr || e.message}`);
    }
  };
  const data = join(dir, "data");
  const port = await freePort();
  await run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`;
  const ctl = (...args: string[]) =>
    run("pg_ctl", ["-D", data, "-l", join(dir, "log"), "-w", "-t", "60", ...args]);
  const server: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: () => ctl("-o", options, "start"),
    stop: () => ctl("-m", "fast", "stop"),
    restart: () => ctl("-o", options, "-m", "fast", "restart"),
    destroy: async () => {
      await ctl("-m", "immediate", "stop").catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
