import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../bot/app.js";
import { main } from "../../bot/main.js";
import {
  createUser,
  type FakeTelegram,
  type ScriptedUser,
  startFakeTelegram,
} from "../fake-telegram/index.js";
import { type FakeZalo, startFakeZalo, WebhookPoster } from "../fake-zalo/index.js";
import { i18n } from "../support/context.js";
import { type FreshDatabase, freshDatabase } from "../support/db.js";
import { answerTelegramDeclaration, registerOnTelegram, registerOnZalo } from "./privacy-support.js";
import { answerDeclaration, datedZaloUser, joined } from "./zalo-journey-support.js";

/**
 * A busy hour at LOG_LEVEL=debug on both channels, with Telegram refusing replies (403, 400), Zalo refusing
 * one, and a NUL in an answer: no log line may hold a phone, a name, an ID number, an address or a token.
 */
describe("no personal data in any log line (debug level, Telegram and Zalo)", () => {
  let tg: FakeTelegram;
  let zalo: FakeZalo;
  let db: FreshDatabase;
  let app: App;
  let poster: WebhookPoster;
  const logs: string[] = [];
  const now = new Date("2026-11-26T02:00:00Z");
  const t = i18n.t("vi");

  const PHONE_TG = "84912345678";
  const PHONE_ZALO = "84987654321";
  const NAME = "Trần Thị Bích Ngọc";
  const ID_NUMBER = "001203012345";
  const STREET = "Số 12 ngõ 34 phố Đội Cấn";
  const NOTE_NAME = "Lê Văn Tám";

  beforeAll(async () => {
    tg = await startFakeTelegram();
    zalo = await startFakeZalo({ now: () => now });
    db = await freshDatabase();
    const logDestination = new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    });
    const env = {
      ...db.env,
      ...zalo.env,
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      PORT: "0",
      LOG_LEVEL: "debug",
      // Scripted users tap far faster than people: the per-chat limits are tested on their own.
      RATE_LIMIT_BURST: "1000",
      TELEGRAM_CHAT_RATE_PER_SECOND: "1000",
      TERMINAL_CHAT: "off",
    };
    app = await main(env, { clock: () => now, logDestination });
    poster = new WebhookPoster(zalo, `http://127.0.0.1:${app.http?.port}/zalo/webhook`);
  });
  afterAll(async () => {
    await app?.stop();
    await tg?.close();
    await zalo?.close();
    await db?.drop();
  });

  let u: ScriptedUser;

  it("Telegram: registers, declares with a NUL in the name, and has replies refused with 403 and 400", async () => {
    u = createUser(tg, { languageCode: "vi" });
    await registerOnTelegram(u, "vi", PHONE_TG, "declare");
    // The NUL is taken out before anything is stored: the name is asked once and accepted.
    await u.text(`${NAME.slice(0, 4)}\u0000${NAME.slice(4)}`);
    expect(u.lastText()).toContain(t("declaration:q.birthYear.ask"));
    await answerTelegramDeclaration(u, "vi", { idNumber: ID_NUMBER, street: STREET });
    await u.press("declaration:confirm");
    expect(tg.callsOf("sendPhoto").length).toBeGreaterThan(0);

    tg.fail("sendMessage", { status: 403, description: "Forbidden: bot was blocked by the user" });
    await u.command("mydata");
    tg.fail("sendMessage", { status: 400, description: "Bad Request: message is too long" });
    await u.command("mydata");
    await u.text(`Tôi là ${NOTE_NAME}, số ${PHONE_TG}`);
    const shown = await u.command("mydata");
    const shownText = u
      .repliesSince(shown)
      .map((c) => String(c.params.text ?? ""))
      .join("\n");
    expect(shownText).toContain("0912 345 678");
    const failed = logs.filter((l) => l.includes('"update failed"'));
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed.join("\n")).toContain("Forbidden: bot was blocked by the user");
    expect(failed.join("\n")).toContain('"method":"sendMessage"');
  });

  it("Zalo: registers, declares, and has a reply refused", async () => {
    const z = datedZaloUser(poster, {
      id: "5550001112220001",
      clock: () => now,
      settle: () => app.zalo!.settled(),
    });
    await registerOnZalo(z, PHONE_ZALO);
    const first = await z.text("/declare");
    await z.text(NAME);
    const batch = await answerDeclaration(z, first.concat(await z.text("1990")));
    expect(joined(batch)).toContain(NAME);
    await z.pressOption("declaration:confirm");
    zalo.fail("/v3.0/oa/message/cs", { error: -213, message: "User has not followed the OA" });
    await z.text("/mydata");
    expect(logs.some((l) => l.includes('"zalo replies failed"'))).toBe(true);
  });

  it("leaves no phone, name, ID number, address or token in the log", () => {
    const all = logs.join("\n");
    expect(app.logger.level).toBe("debug");
    const forbidden = [
      PHONE_TG,
      PHONE_TG.slice(2),
      "0912 345 678",
      "0912345678",
      PHONE_ZALO,
      PHONE_ZALO.slice(2),
      "0987 654 321",
      NAME,
      NAME.normalize("NFD"),
      "Bích Ngọc",
      NOTE_NAME,
      ID_NUMBER,
      STREET,
      "Đội Cấn",
      tg.token,
      zalo.env.ZALO_OA_ACCESS_TOKEN,
      zalo.env.ZALO_APP_SECRET,
    ].filter((s): s is string => Boolean(s));
    for (const s of forbidden) expect(all.includes(s), `the log holds "${s}"`).toBe(false);
  });
});
