import { and, eq, inArray, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { traceContacts, traces } from "../../../db/schema/index.js";
import { FOLLOW_UP_STATUSES, type FollowUpStatus } from "../../../db/schema/tracing.js";
import type { I18n } from "../../core/i18n.js";
import { text } from "../../core/replies.js";
import { audit } from "../../shared/audit.js";
import { localDay, localTime } from "../../shared/local-time.js";
import { coveringScope, type OfficerScope } from "../../shared/officer-scope.js";
import { ForbiddenError } from "../../shared/roles.js";
import { notify, recipientsOf } from "../monitoring/index.js";
import { contactsOf } from "./contacts.js";
import { type Trace, type TraceContact, traceScope } from "./traces.js";

export const QUARANTINE_DAYS = 14;

/**
 * A stored trace, if this officer may act on it: the officer who ran it, or any official whose scope covers
 * the case's residence. ForbiddenError otherwise, and for a trace that does not exist.
 */
export async function traceFor(db: DbOrTx, officer: OfficerScope, traceId: number): Promise<Trace> {
  const [trace] = await db.select().from(traces).where(eq(traces.id, traceId));
  const allowed =
    trace &&
    (trace.officerUserId === officer.userId ||
      coveringScope(officer, { provinceCode: trace.caseProvinceCode, communeCode: trace.caseCommuneCode }) !==
        null);
  if (!trace || !allowed) throw new ForbiddenError(`trace ${traceId}`);
  return trace;
}

/** A contact and its trace, under the same rule. */
export async function contactFor(
  db: DbOrTx,
  officer: OfficerScope,
  contactId: number,
): Promise<{ contact: TraceContact; trace: Trace }> {
  const [contact] = await db.select().from(traceContacts).where(eq(traceContacts.id, contactId));
  if (!contact) throw new ForbiddenError(`contact ${contactId}`);
  return { contact, trace: await traceFor(db, officer, contact.traceId) };
}

/** Marks the traced person a confirmed case (F0); false when they already were. Audited. */
export async function confirmCase(
  db: DbOrTx,
  p: { officer: OfficerScope; traceId: number; now: Date },
): Promise<boolean> {
  const trace = await traceFor(db, p.officer, p.traceId);
  const done = await db
    .update(traces)
    .set({ confirmedAt: p.now, confirmedBy: p.officer.userId })
    .where(and(eq(traces.id, trace.id), isNull(traces.confirmedAt)))
    .returning({ id: traces.id });
  await audit(db, {
    actorUserId: p.officer.userId,
    action: "trace.confirm",
    subjectUserIds: trace.caseUserId ? [trace.caseUserId] : [],
    scope: traceScope(trace),
    detail: { traceId: trace.id, already: done.length === 0 },
    at: p.now,
  });
  return done.length > 0;
}

/** The key that makes one notice per case and contact, however many traces of the case are run. */
export const noticeKey = (trace: Trace, contactKey: string) =>
  `exposure:${trace.casePersonId !== null ? `p${trace.casePersonId}` : trace.caseKeys[0]}:${contactKey}`;

export interface NoticeSummary {
  /** F1s with an account the bot can write to. */
  reachable: number;
  /** Queued now (the rest were queued by an earlier press). */
  queued: number;
  /** F1s with no account or no chat: the officer calls them. */
  unreachable: number;
}

/**
 * Queues the exposure notice to every F1 who can be reached by chat, in their language, through the outbox:
 * where and when they were exposed, what to do, how to report. It names neither the case nor anyone else.
 */
export async function sendNotices(
  db: DbOrTx,
  i18n: I18n,
  p: { officer: OfficerScope; traceId: number; now: Date; timeZone: string },
): Promise<NoticeSummary> {
  const trace = await traceFor(db, p.officer, p.traceId);
  const f1 = (await contactsOf(db, trace.id)).filter((c) => c.degree === 1);
  const chats = await recipientsOf(
    db,
    f1.flatMap((c) => (c.userId ? [c.userId] : [])),
  );
  const reachable = f1.filter((c) => c.userId !== null && chats.has(c.userId));
  const queued = await notify(
    db,
    i18n,
    reachable.map((c) => ({
      userId: c.userId!,
      dedupeKey: noticeKey(trace, c.visitorKey),
      reply: (t) => {
        const until = new Date(c.exposedAt.getTime() + QUARANTINE_DAYS * 86_400_000);
        const vars = {
          who: c.name,
          place: c.placeName,
          day: localDay(c.exposedAt, p.timeZone),
          from: localTime(c.exposedAt, p.timeZone),
          to: localTime(c.exposureEnd, p.timeZone),
          until: localDay(until, p.timeZone),
        };
        const head = t(c.personId === null ? "tracing:notice.self" : "tracing:notice.dependent", vars);
        return text(`${head}\n\n${t("tracing:notice.todo", vars)}\n\n${t("tracing:notice.report")}`);
      },
    })),
  );
  if (reachable.length > 0) {
    await db
      .update(traceContacts)
      .set({ notifiedAt: p.now })
      .where(
        and(
          inArray(
            traceContacts.id,
            reachable.map((c) => c.id),
          ),
          isNull(traceContacts.notifiedAt),
        ),
      );
  }
  await db.update(traces).set({ noticesAt: p.now }).where(eq(traces.id, trace.id));
  await audit(db, {
    actorUserId: p.officer.userId,
    action: "trace.notify",
    subjectUserIds: reachable.map((c) => c.userId!),
    scope: traceScope(trace),
    detail: { traceId: trace.id, queued, reachable: reachable.length },
    at: p.now,
  });
  return { reachable: reachable.length, queued, unreachable: f1.length - reachable.length };
}

export const isFollowUpStatus = (s: string): s is FollowUpStatus =>
  (FOLLOW_UP_STATUSES as readonly string[]).includes(s);

/** Records how following up a contact went (Go.Data's statuses); every change is an audit row. */
export async function setFollowUp(
  db: DbOrTx,
  p: { officer: OfficerScope; contactId: number; status: FollowUpStatus; now: Date },
): Promise<TraceContact> {
  const { contact, trace } = await contactFor(db, p.officer, p.contactId);
  const [row] = await db
    .update(traceContacts)
    .set({ followUp: p.status, followUpAt: p.now, followUpBy: p.officer.userId })
    .where(eq(traceContacts.id, contact.id))
    .returning();
  await audit(db, {
    actorUserId: p.officer.userId,
    action: "trace.followUp",
    subjectUserIds: contact.userId ? [contact.userId] : [],
    scope: traceScope(trace),
    detail: { traceId: trace.id, contactId: contact.id, status: p.status, was: contact.followUp },
    at: p.now,
  });
  return row ?? contact;
}
