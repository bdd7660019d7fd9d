import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FreshDatabase, freshDatabase } from "../support/db.js";

let db: FreshDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

/** The README's command itself: the prestart build (when the sources are newer), then the bundle. */
const NPM_START = ["npm", "start", "--silent"];
/** The sources through tsx, as `npm run dev` runs them. */
const TSX = [process.execPath, "--import", "tsx", "bot/main.ts"];

/** Runs the bot with typed lines on stdin and returns what it printed. */
function runTerminal(
  lines: string[],
  env: Record<string, string | undefined>,
  [file, ...args] = TSX,
): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file!, args, {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += String(d);
    });
    child.stderr.on("data", (d) => {
      out += String(d);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ out, code });
    });
    child.stdin.end(`${lines.join("\n")}\n`);
  });
}

describe("npm start in a terminal", () => {
  // Through npm start: the build it triggers, the bundle's paths to locales and migrations, its lazy imports.
  it("opens a chat where registration can be completed", { timeout: 90_000 }, async () => {
    const { out, code } = await runTerminal(
      ["1", "1", "hello", "0912 345 678", "/start"],
      { ...db.env, TERMINAL_CHAT: "on" },
      NPM_START,
    );
    expect(code).toBe(0);
    expect(out).toContain("1) Tiếng Việt");
    expect(out).toContain("2) English");
    expect(out).toContain("Trước khi bắt đầu");
    expect(out).toContain("(gõ số điện thoại của bạn)");
    expect(out).toContain("Tôi đang chờ số điện thoại của bạn.");
    expect(out).toContain("Đã lưu số điện thoại 0912 345 678");
    expect(out).toContain("Số điện thoại của bạn: 0912 345 678");
    // Logs go to a file, not into the chat.
    expect(out).not.toContain('"level"');
    expect(existsSync(`${db.env.DATA_DIR}/bot.log`)).toBe(true);
  });

  it("refuses to start without any channel when no terminal is attached", async () => {
    const { out, code } = await runTerminal([], { ...db.env, TERMINAL_CHAT: "auto" });
    expect(code).toBe(2);
    expect(out).toContain("No channel to run");
  });

  it("explains a wrong configuration", async () => {
    const { out, code } = await runTerminal([], { ...db.env, PORT: "eighty", TERMINAL_CHAT: "on" });
    expect(code).toBe(2);
    expect(out).toContain("PORT");
  });
});
