import { asc, like } from "drizzle-orm";
import type { Engine } from "../../../bot/core/engine.js";
import { withPhoneListeners } from "../../../bot/core/phone-listeners.js";
import type { FileSource, Input, Reply } from "../../../bot/core/types.js";
import { accountFeature } from "../../../bot/features/account/index.js";
import { invitationFeature, roleInvitationKind } from "../../../bot/features/invitation/index.js";
import { monitoringFeature, monitoringPhoneListener } from "../../../bot/features/monitoring/index.js";
import { groupInvitationKind } from "../../../bot/features/monitoring/invitation.js";
import { decodeReply } from "../../../bot/platform/outbox/payload.js";
import { grantRole } from "../../../bot/shared/roles.js";
import type { Database, DbOrTx } from "../../../db/client.js";
import { outbox } from "../../../db/schema/index.js";
import { i18n } from "../../support/context.js";
import { testEngine } from "../../support/engine.js";

export const TZ = "Asia/Ho_Chi_Minh";

/** The engine with the features monitoring needs, wired as bot/app.ts wires them. */
export function monitoringEngine(database: Database, clock: () => Date): Engine {
  return testEngine(database, {
    clock,
    features: [
      withPhoneListeners(accountFeature(), [monitoringPhoneListener()]),
      invitationFeature({ kinds: [roleInvitationKind(), groupInvitationKind({ timeZone: TZ })] }),
      monitoringFeature({ i18n, timeZone: TZ }),
    ],
  });
}

export const said = (r: { replies: Reply[] }) =>
  r.replies
    .map((x) =>
      x.kind === "text"
        ? x.text
        : x.kind === "photo"
          ? (x.caption ?? "")
          : x.kind === "menu"
            ? ""
            : x.fileName,
    )
    .join("\n");

export const buttons = (r: { replies: Reply[] }) =>
  r.replies.flatMap((x) => (x.kind === "text" || x.kind === "photo" ? (x.options ?? []).flat() : []));

let nextId = 7000;

export interface TestChat {
  id: string;
  userId: number;
  say(input: Input, files?: FileSource): ReturnType<Engine["handle"]>;
}

/** A person who chose a language and shared their own phone (a fresh Telegram chat). */
export async function registered(
  engine: Engine,
  phone: string,
  lang: "vi" | "en" = "en",
): Promise<TestChat & { linked: string }> {
  nextId += 1;
  const id = String(nextId);
  const say = (input: Input, files?: FileSource) =>
    engine.handle({ channel: "telegram", externalUserId: id, chatId: id, input, files });
  await say({ kind: "command", command: "start", payload: "" });
  await say({ kind: "option", data: `language:${lang}` });
  const done = await say({ kind: "contact", phone, own: true });
  return { id, userId: done.user!.id, say, linked: said(done) };
}

export async function makeFacilityManager(db: DbOrTx, userId: number): Promise<void> {
  await grantRole(db, { userId, role: "facility_manager", scope: { type: "province", id: "79" } });
}

export const cmd = (command: string, payload = ""): Input => ({ kind: "command", command, payload });
export const press = (data: string): Input => ({ kind: "option", data });
export const type = (text: string): Input => ({ kind: "text", text });

/** Outbox rows whose dedupe key starts with `prefix`, their replies decoded. */
export async function queued(db: DbOrTx, prefix: string) {
  const rows = await db
    .select()
    .from(outbox)
    .where(like(outbox.dedupeKey, `${prefix}%`))
    .orderBy(asc(outbox.id));
  return rows.map((r) => {
    const reply = decodeReply(r.payload);
    return { ...r, reply, text: reply.kind === "text" ? reply.text : "" };
  });
}

export const csvFile = (csv: string): FileSource => ({ fetch: async () => Buffer.from(csv, "utf8") });
