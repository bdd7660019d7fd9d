import { Writable } from "node:stream";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../bot/app.js";
import {
  type Checkpoint,
  createCheckpoint,
  displayShortCode,
} from "../../bot/features/checkpoint/checkpoints.js";
import { posterInput } from "../../bot/features/checkpoint/replies.js";
import { verifyPersonalQr } from "../../bot/features/declaration/personal-qr.js";
import { createGroup, type Group } from "../../bot/features/monitoring/groups.js";
import { createGroupInvitation } from "../../bot/features/monitoring/invitation.js";
import { REMINDERS_JOB } from "../../bot/features/monitoring/jobs.js";
import { groupStatus } from "../../bot/features/monitoring/status.js";
import { main } from "../../bot/main.js";
import { renderPosterPng } from "../../bot/render/poster.js";
import { createLinks } from "../../bot/shared/links.js";
import { loadSigningKeys } from "../../bot/shared/qr/signing-keys.js";
import { TOKEN_PREFIX } from "../../bot/shared/qr/token.js";
import { grantRole } from "../../bot/shared/roles.js";
import { findOrCreateUser } from "../../bot/shared/users.js";
import {
  chatReachability,
  dailyReports,
  declarations,
  identities,
  monitoringMembers,
  outbox,
  users,
  visits,
} from "../../db/schema/index.js";
import { buttonsOf, type FakeZalo, startFakeZalo, WebhookPoster } from "../fake-zalo/index.js";
import { i18n } from "../support/context.js";
import { type FreshDatabase, freshDatabase } from "../support/db.js";
import { decodeQrPng, embeddedFontNames, pdfPageTexts, squash } from "../unit/render/support.js";
import {
  answerDeclaration,
  type DatedZaloUser,
  datedZaloUser,
  isMedia,
  joined,
  until,
  uploadedImage,
} from "./zalo-journey-support.js";

const TZ = "Asia/Ho_Chi_Minh";
const t = i18n.t("vi");
/** 08:30 in Hanoi. */
let now = new Date("2026-11-26T01:30:00Z");
const later = (minutes: number) => {
  now = new Date(now.getTime() + minutes * 60_000);
};

describe("a resident's whole journey on Zalo", () => {
  let fake: FakeZalo;
  let db: FreshDatabase;
  let app: App;
  let u: DatedZaloUser;
  let userId: number;
  let managerId: number;
  let group: Group;
  let memberId: number;
  const logs: string[] = [];

  beforeAll(async () => {
    fake = await startFakeZalo({ now: () => now });
    db = await freshDatabase();
    const env = {
      ...db.env,
      ...fake.env,
      PORT: "0",
      LOG_LEVEL: "info",
      TERMINAL_CHAT: "off",
      TZ_REPORTING: TZ,
      // A scripted person answers far faster than people do: the per-chat limit is tested in zalo.test.ts.
      RATE_LIMIT_BURST: "1000",
    };
    const logDestination = new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    });
    app = await main(env, { clock: () => now, logDestination });
    const poster = new WebhookPoster(fake, `http://127.0.0.1:${app.http?.port}/zalo/webhook`);
    u = datedZaloUser(poster, {
      id: "5550001112223334445",
      clock: () => now,
      settle: () => app.zalo!.settled(),
    });
    const manager = await findOrCreateUser(app.database.db, {
      channel: "telegram",
      externalId: "9001",
      chatId: "9001",
    });
    managerId = manager.id;
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
    await db?.drop();
  });

  const checkpoint = (name: string): Promise<Checkpoint> =>
    createCheckpoint(
      app.database.db,
      managerId,
      {
        name,
        phone: null,
        provinceCode: "01",
        communeCode: null,
        address: "1 Tràng Tiền",
        kind: "shop",
        stayMinutes: 90,
        parentId: null,
      },
      now,
    );
  const visitsOf = () =>
    app.database.db.select().from(visits).where(eq(visits.userId, userId)).orderBy(visits.id);

  it("follows, chooses Vietnamese and registers with the phone Zalo shares", async () => {
    expect(joined(await u.follow())).toContain("Chọn ngôn ngữ");
    await u.press("Tiếng Việt");
    const chosen = await u.press("✅ Tôi đồng ý");
    expect(chosen.at(-1)?.message.attachment?.payload.template_type).toBe("request_user_info");
    const shared = await u.submitInfo("84912345678");
    expect(joined(shared)).toContain("0912 345 678");
    const [row] = await app.database.db
      .select({ id: users.id, phone: users.phone, lang: users.lang })
      .from(identities)
      .innerJoin(users, eq(users.id, identities.userId))
      .where(and(eq(identities.channel, "zalo"), eq(identities.externalId, u.id)));
    expect(row).toMatchObject({ phone: "+84912345678", lang: "vi" });
    userId = row!.id;
  });

  it("declares with buttons and typed answers and gets a QR image that decodes and verifies", async () => {
    const first = await u.text("/declare");
    expect(joined(first)).toContain(t("declaration:q.fullName.ask"));
    const summary = await answerDeclaration(u, first);
    expect(joined(summary)).toContain("Nguyễn Văn An");
    const sent = await u.pressOption("declaration:confirm");
    const media = sent.find(isMedia);
    expect(media, JSON.stringify(sent)).toBeDefined();
    expect(media?.message.text).toContain("N.V.A.");
    expect(fake.calls.some((c) => c.path === "/v2.0/oa/upload/image" && c.error === 0)).toBe(true);

    const decoded = await decodeQrPng(uploadedImage(fake, media));
    expect(decoded?.text.startsWith(TOKEN_PREFIX)).toBe(true);
    const { keyring } = await loadSigningKeys(app.database.db, { now });
    const checked = await verifyPersonalQr(app.database.db, keyring, decoded!.text, now);
    expect(checked).toMatchObject({ ok: true, status: "green", person: { fullName: "Nguyễn Văn An" } });
    const rows = await app.database.db.select().from(declarations);
    expect(rows).toHaveLength(1);
  });

  it("checks in by a typed short code, then by a photo of another poster, closing the first visit", async () => {
    const shop = await checkpoint("Cửa hàng Hoa Mai");
    const market = await checkpoint("Chợ Đồng Xuân");
    later(5);
    const typed = await u.text(displayShortCode(shop.shortCode).toLowerCase());
    expect(joined(typed)).toContain("Đã ghi nhận bạn vào «Cửa hàng Hoa Mai»");
    expect(await visitsOf()).toMatchObject([{ checkpointId: shop.id, method: "code", checkedOutAt: null }]);

    later(20);
    const png = await renderPosterPng(
      posterInput(market, null, t, createLinks({ botUsername: () => undefined, zalo: {} })),
    );
    const photo = await u.image(fake.serveFile(png, { contentType: "image/png" }));
    const said = joined(photo);
    expect(said).toContain("Đã ghi nhận bạn vào «Chợ Đồng Xuân»");
    expect(said).toContain("rời khỏi «Cửa hàng Hoa Mai»");
    const [first, second] = await visitsOf();
    expect(first).toMatchObject({ checkpointId: shop.id, endedHow: "superseded" });
    expect(first?.checkedOutAt).toBeInstanceOf(Date);
    expect(second).toMatchObject({ checkpointId: market.id, method: "photo", checkedOutAt: null });
  });

  it("joins a group by sending its short code, gets the morning reminder and reports well with one button", async () => {
    await grantRole(app.database.db, {
      userId: managerId,
      role: "facility_manager",
      scope: { type: "province", id: "01" },
    });
    group = await createGroup(
      app.database.db,
      managerId,
      {
        kind: "facility",
        name: "Khu cách ly Mê Linh",
        communeCode: null,
        place: "Mê Linh, Hà Nội",
        startsOn: "2026-11-26",
        endsOn: "2026-12-20",
        windows: [{ from: 7 * 60, to: 10 * 60 }],
      },
      now,
    );
    // Zalo has no deep links: the member sends the group's short code, printed on its poster.
    const inv = await createGroupInvitation(app.database.db, group, {
      createdBy: managerId,
      now,
      timeZone: TZ,
    });
    const asked = await u.text(displayShortCode(inv.code).toLowerCase());
    expect(joined(asked)).toContain("Khu cách ly Mê Linh");
    const accepted = await u.press(t("invitation:accept"));
    expect(joined(accepted)).toContain("Khu cách ly Mê Linh");
    const [member] = await app.database.db
      .select()
      .from(monitoringMembers)
      .where(and(eq(monitoringMembers.groupId, group.id), eq(monitoringMembers.userId, userId)));
    expect(member).toMatchObject({ status: "active", source: "link" });
    memberId = member!.id;

    now = new Date("2026-11-26T02:00:00Z"); // 09:00 in Hanoi, inside 07:00–10:00
    const before = u.messages().length;
    expect(await app.background!.scheduler.runNow(REMINDERS_JOB, now)).toBe(true);
    const reminder = await until(
      () =>
        u
          .messages()
          .slice(before)
          .find((m) => buttonsOf(m).some((b) => b.payload.startsWith("#o:report:ok:"))),
      "the reminder on Zalo",
    );
    expect(reminder.message.text).toContain("Khu cách ly Mê Linh");
    // The sender marks a message sent just after Zalo took it.
    await until(async () => {
      const [r] = await app.database.db
        .select({ status: outbox.status, channel: outbox.channel })
        .from(outbox)
        .where(eq(outbox.dedupeKey, `reminder:${memberId}:2026-11-26:0:1`));
      return r?.status === "sent" && r.channel === "zalo";
    }, "the reminder marked sent");

    later(3);
    const answered = await u.press(t("monitoring:report.healthy"));
    expect(answered.length).toBeGreaterThan(0);
    const reports = await app.database.db
      .select()
      .from(dailyReports)
      .where(eq(dailyReports.memberId, memberId));
    expect(reports).toMatchObject([
      { localDate: "2026-11-26", window: 0, healthy: true, reportedBy: userId },
    ]);
  });

  it("asks /mydata and gets it all as a PDF (diacritics kept) and the visits as CSV: Zalo carries no JSON", async () => {
    later(2);
    const shown = await u.text("/mydata");
    expect(joined(shown)).toContain(t("privacy:mydata.title"));
    expect(joined(shown)).not.toContain("chưa gửi được qua Zalo");
    const files = shown.flatMap((m) => {
      const token = m.message.attachment?.type === "file" ? m.message.attachment.payload.token : undefined;
      const asset = typeof token === "string" ? fake.assets.get(token) : undefined;
      return asset ? [asset] : [];
    });
    expect(files.map((f) => f.fileName)).toEqual(["du-lieu-ca-nhan.pdf", "luot-ra-vao.csv"]);
    const [pdf, csv] = files;
    expect(pdf!.bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(embeddedFontNames(pdf!.bytes).some((n) => n.startsWith("BeVietnamPro"))).toBe(true);
    const text = squash((await pdfPageTexts(pdf!.bytes)).join(" "));
    for (const part of [
      t("privacy:pdf.title"),
      "Nguyễn Văn An",
      t("declaration:q.street.label"),
      "Chợ Đồng Xuân",
      "Cửa hàng Hoa Mai",
      "Khu cách ly Mê Linh",
      t("monitoring:report.values.healthy"),
    ])
      expect(text, part).toContain(squash(part));
    // The ID number appears as the rest of the bot shows it: its last three characters.
    expect(text).not.toContain("001203012345");
    expect(csv!.bytes.toString("utf8")).toContain("Chợ Đồng Xuân");
  });

  it("sends nothing once the last interaction is over 7 days old, and shows the member unreachable", async () => {
    now = new Date("2026-12-04T02:00:00Z"); // 8 days on, 09:00 in Hanoi
    const before = fake.sent.filter((m) => m.userId === u.id).length;
    const callsBefore = fake.calls.length;
    expect(await app.background!.scheduler.runNow(REMINDERS_JOB, now)).toBe(true);
    const row = await until(async () => {
      const [r] = await app.database.db
        .select()
        .from(outbox)
        .where(eq(outbox.dedupeKey, `reminder:${memberId}:2026-12-04:0:1`));
      return r && r.status !== "pending" && r.status !== "sending" ? r : undefined;
    }, "the outbox to give up on the reminder");
    expect(row).toMatchObject({ channel: "zalo", chatId: u.id, status: "unreachable", lastError: "window" });
    await new Promise((r) => setTimeout(r, 1500));
    expect(fake.sent.filter((m) => m.userId === u.id)).toHaveLength(before);
    const sends = fake.calls.slice(callsBefore).filter((c) => c.path === "/v3.0/oa/message/cs");
    expect(sends).toEqual([]);

    const [reach] = await app.database.db
      .select()
      .from(chatReachability)
      .where(and(eq(chatReachability.channel, "zalo"), eq(chatReachability.chatId, u.id)));
    expect(reach?.reason).toBe("window");
    const status = await groupStatus(app.database.db, group, now, TZ);
    expect(status.unreachable.map((l) => l.member.id)).toEqual([memberId]);
    expect(logs.join("")).not.toContain(fake.appSecret);
  });
});
