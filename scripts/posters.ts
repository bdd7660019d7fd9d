// Bulk checkpoints and their posters from a CSV: `npm run posters -- list.csv --phone <manager> [--out f.pdf]`.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { Bot } from "grammy";
import { createI18n } from "../bot/core/i18n.js";
import { displayShortCode } from "../bot/features/checkpoint/checkpoints.js";
import { checkpointsFromCsv, createCheckpointsFromCsv } from "../bot/features/checkpoint/csv.js";
import { posterInput } from "../bot/features/checkpoint/replies.js";
import { loadConfig } from "../bot/platform/config.js";
import { renderPostersPdf } from "../bot/render/poster.js";
import { ensureAdminUnits } from "../bot/shared/admin-units.js";
import { createLinks } from "../bot/shared/links.js";
import { normalizePhone } from "../bot/shared/phone.js";
import { parseCsv } from "../bot/shared/spreadsheet.js";
import { openDatabase } from "../db/client.js";
import { users } from "../db/schema/index.js";

const HELP = `Usage: npm run posters -- <list.csv> --phone <manager's phone> [--out posters.pdf] [--bot <username>]

Creates one checkpoint per row, with the person registered with --phone as manager, and writes every poster
into one A4 PDF (one page each). The first row names the columns:
  name, address        required
  province             code or name (e.g. 01 or Hà Nội)
  kind                 ${"agency (default), school, market, shop, restaurant, health, transport, other"}
  stay                 automatic check-out after (e.g. 30, 1h30, 4h; default 4h)
  phone                the checkpoint's contact phone (default the manager's)
  parent               the name of an earlier row (or a checkpoint's short code) this one is part of
Without --bot, the bot's username is asked from Telegram when TELEGRAM_BOT_TOKEN is set.`;

async function botUsername(
  given: string | undefined,
  telegram: { token: string; apiRoot: string } | undefined,
) {
  if (given) return given.replace(/^@/, "");
  if (!telegram) return undefined;
  const me = await new Bot(telegram.token, { client: { apiRoot: telegram.apiRoot } }).api.getMe();
  return me.username;
}

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      phone: { type: "string" },
      out: { type: "string" },
      bot: { type: "string" },
      help: { type: "boolean" },
    },
  });
  const file = positionals[0];
  if (!file || values.help) {
    console.log(HELP);
    return;
  }
  const phone = values.phone ? normalizePhone(values.phone) : null;
  if (!phone) throw new Error("give the manager's registered phone with --phone");
  const rows = checkpointsFromCsv(parseCsv(readFileSync(file, "utf8")), { phone });
  const config = loadConfig(process.env);
  const bot = await botUsername(values.bot, config.telegram);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    // Scopes and addresses need the communes, even before the bot has ever started on this database.
    await ensureAdminUnits(database.db, new Date());
    const [manager] = await database.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.phone, phone))
      .limit(1);
    if (!manager) throw new Error(`nobody has registered ${phone} with the bot yet`);
    const now = new Date();
    const created = await database.db.transaction((tx) =>
      createCheckpointsFromCsv(tx, manager.id, rows, now),
    );
    const t = createI18n().t("vi");
    // Printed posters name every channel the deployment runs, as the bot's own posters do.
    const links = createLinks({
      botUsername: () => bot,
      zalo: config.zalo ? { oaId: config.zalo.oaId } : undefined,
    });
    const pdf = await renderPostersPdf(created.map((c) => posterInput(c.checkpoint, c.parent, t, links)));
    const out = values.out ?? `posters-${now.toISOString().slice(0, 10)}.pdf`;
    writeFileSync(out, pdf);
    for (const { checkpoint } of created)
      console.log(`${displayShortCode(checkpoint.shortCode)}\t${checkpoint.name}`);
    console.log(`${created.length} checkpoints; posters written to ${out}`);
    if (!bot) console.log("no bot username (--bot): the QR codes carry cp_<code> without a t.me link");
  } finally {
    await database.close();
  }
}

run(process.argv.slice(2)).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
