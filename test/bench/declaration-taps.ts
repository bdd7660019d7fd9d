/**
 * How many messages and button taps a declaration costs, driven through the dialog engine on a throw-away
 * PGlite: a first declaration by someone who has never used the bot (language, phone, every question,
 * pledge) and a repeat one with unchanged details. The repeat is reported as a ratio of the first, both
 * measured in this run. Run alone with `npx tsx test/bench/declaration-taps.ts`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pino from "pino";
import { createEngine } from "../../bot/core/engine.js";
import { createI18n } from "../../bot/core/i18n.js";
import type { Input, Reply } from "../../bot/core/types.js";
import { accountFeature } from "../../bot/features/account/index.js";
import { FORM } from "../../bot/features/declaration/form.js";
import { declarationFeature } from "../../bot/features/declaration/index.js";
import { ensureAdminUnits } from "../../bot/shared/admin-units.js";
import { usersPort } from "../../bot/shared/users.js";
import { openDatabase } from "../../db/client.js";
import { validInput } from "../support/declaration.js";

export interface TapCount {
  run: "first" | "repeat";
  /** Typed messages and commands (/declare included). */
  messages: number;
  /** Button presses and the shared contact. */
  taps: number;
  total: number;
  /** total ÷ the first declaration's total. */
  ratio: number;
}

const last = (replies: Reply[]) => replies.at(-1);
const ids = (r: Reply | undefined) => (r?.kind === "text" ? (r.options ?? []).flat().map((o) => o.id) : []);
const textOf = (r: Reply | undefined) => (r?.kind === "text" ? r.text : "");

export async function benchDeclarationTaps(opts: { log?: (line: string) => void } = {}): Promise<TapCount[]> {
  const log = opts.log ?? console.log;
  const dir = mkdtempSync(join(tmpdir(), "hb-taps-"));
  const database = await openDatabase({ dataDir: dir });
  // The communes a declaration names, as the bot loads them at start.
  await ensureAdminUnits(database.db, new Date("2026-11-26T03:00:00Z"));
  const i18n = createI18n();
  const t = i18n.t("vi");
  const engine = createEngine({
    db: database.db,
    users: usersPort,
    i18n,
    features: [accountFeature(), declarationFeature({ qrValidDays: 7 })],
    clock: () => new Date("2026-11-26T03:00:00Z"),
    timeZone: "Asia/Ho_Chi_Minh",
    logger: pino({ level: "silent" }),
  });
  const counts = { messages: 0, taps: 0 };
  const say = async (input: Input): Promise<Reply[]> => {
    if (input.kind === "option" || input.kind === "contact") counts.taps += 1;
    else counts.messages += 1;
    const r = await engine.handle({ channel: "telegram", externalUserId: "42", chatId: "42", input });
    return r.replies;
  };

  /** The shortest honest path: one tap where a button answers, the sample answer where typing is needed. */
  async function declare(): Promise<void> {
    let replies = await say({ kind: "command", command: "declare", payload: "" });
    for (let i = 0; i < 40; i++) {
      if (replies.some((r) => r.kind === "photo")) return;
      const r = last(replies);
      const buttons = ids(r);
      if (buttons.includes("language:vi")) replies = await say({ kind: "option", data: "language:vi" });
      else if (r?.kind === "text" && r.requestContact)
        replies = await say({ kind: "contact", phone: "84912345678", own: true });
      else if (buttons.includes("declaration:same:yes"))
        replies = await say({ kind: "option", data: "declaration:same:yes" });
      else if (buttons.includes("declaration:confirm"))
        replies = await say({ kind: "option", data: "declaration:confirm" });
      else {
        const q = FORM.find((x) => textOf(r).includes(`) ${t(`declaration:${x.key}.ask`)}`));
        if (!q) throw new Error(`unexpected message: ${textOf(r)}`);
        replies = await say(validInput(q, {}));
      }
    }
    throw new Error("the declaration never ended");
  }

  try {
    const rows: TapCount[] = [];
    for (const run of ["first", "repeat"] as const) {
      counts.messages = 0;
      counts.taps = 0;
      await declare();
      const total = counts.messages + counts.taps;
      rows.push({ run, ...counts, total, ratio: total / (rows[0]?.total ?? total) });
    }
    log("declaration cost (user messages and taps, /declare included)");
    for (const r of rows)
      log(
        `  ${r.run.padEnd(6)}  messages ${r.messages}  taps ${r.taps}  total ${r.total}  ×${r.ratio.toFixed(2)} of first`,
      );
    return rows;
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchDeclarationTaps();
}
