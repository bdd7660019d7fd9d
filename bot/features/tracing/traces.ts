import { and, asc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { checkpoints, traceContacts, traces, visits } from "../../../db/schema/index.js";
import { audit } from "../../shared/audit.js";
import { coveringScope, type OfficerScope, scopeCondition } from "../../shared/officer-scope.js";
import { STAY_MAX_MINUTES } from "../checkpoint/index.js";
import { type CaseQuery, caseCandidates, caseInScope, type TraceCase } from "./case.js";
import { type ContactDraft, contactsOf, draftContacts, placeNames } from "./contacts.js";
import { DEFAULT_BUFFER_MINUTES, type Exposure, findF1, findF2 } from "./query.js";

export type Trace = typeof traces.$inferSelect;
export type TraceContact = typeof traceContacts.$inferSelect;

export const TRACE_DAYS = [7, 14, 21] as const;
export const DEFAULT_TRACE_DAYS = 14;

/** One visit of the case in the period; `inScope` false: contacts were not searched there. */
export interface CaseVisit {
  id: number;
  checkpointId: number;
  place: string;
  start: Date;
  end: Date | null;
  inScope: boolean;
}

export interface TraceResult {
  trace: Trace;
  traced: TraceCase;
  caseVisits: CaseVisit[];
  /** Every exposure found (one per contact visit × source visit), for the file. */
  exposures: Exposure[];
  contacts: TraceContact[];
  places: Map<number, string>;
}

const placeCondition = (officer: OfficerScope) =>
  scopeCondition(officer, sql.raw("c.province_code"), sql.raw("c.commune_code"));

async function caseVisits(
  db: DbOrTx,
  officer: OfficerScope,
  keys: string[],
  from: Date,
  to: Date,
): Promise<CaseVisit[]> {
  const rows = await db
    .select({ visit: visits, provinceCode: checkpoints.provinceCode, communeCode: checkpoints.communeCode })
    .from(visits)
    .innerJoin(checkpoints, eq(checkpoints.id, visits.checkpointId))
    .where(
      and(
        inArray(visits.visitorKey, keys),
        gte(visits.checkedInAt, new Date(from.getTime() - STAY_MAX_MINUTES * 60_000)),
        lt(visits.checkedInAt, to),
      ),
    )
    .orderBy(asc(visits.checkedInAt), asc(visits.id));
  const names = await placeNames(
    db,
    rows.map((r) => r.visit.checkpointId),
  );
  return rows
    .filter((r) => (r.visit.checkedOutAt ?? r.visit.autoCheckoutAt).getTime() > from.getTime())
    .map((r) => ({
      id: r.visit.id,
      checkpointId: r.visit.checkpointId,
      place: names.get(r.visit.checkpointId) ?? "",
      start: r.visit.checkedInAt,
      end: r.visit.checkedOutAt,
      inScope: coveringScope(officer, r) !== null,
    }));
}

async function storeContacts(db: DbOrTx, traceId: number, drafts: ContactDraft[]): Promise<void> {
  for (let i = 0; i < drafts.length; i += 500) {
    const values = drafts.slice(i, i + 500).map((d) => ({ traceId, ...d }));
    await db.insert(traceContacts).values(values).onConflictDoNothing();
  }
}

export type RunTraceOutcome = { kind: "ok"; result: TraceResult } | { kind: "notFound" };

/**
 * Traces a case: finds them (inside the officer's scope only), lists their visits of the last `days`, finds
 * the F1 contacts at checkpoints inside the officer's scope, stores the trace and audits it. A query that
 * finds nobody the officer may see is audited too and answered "not found", whether or not the person exists.
 */
export async function runTrace(
  db: DbOrTx,
  p: { officer: OfficerScope; query: CaseQuery; days: number; bufferMinutes?: number; now: Date },
): Promise<RunTraceOutcome> {
  const candidates = await caseCandidates(db, p.query);
  const traced = caseInScope(p.officer, candidates);
  if (!traced) {
    await audit(db, {
      actorUserId: p.officer.userId,
      action: "trace.refused",
      subjectUserIds: candidates.flatMap((c) => (c.userId ? [c.userId] : [])),
      detail: { by: p.query.by, reason: candidates.length === 0 ? "notFound" : "outOfScope" },
      at: p.now,
    });
    return { kind: "notFound" };
  }
  const buffer = p.bufferMinutes ?? DEFAULT_BUFFER_MINUTES;
  const from = new Date(p.now.getTime() - p.days * 86_400_000);
  const visitsOfCase = await caseVisits(db, p.officer, traced.keys, from, p.now);
  const exposures = await findF1(db, {
    keys: traced.keys,
    from,
    to: p.now,
    now: p.now,
    bufferMinutes: buffer,
    place: placeCondition(p.officer),
    exclude: [],
  });
  const [trace] = await db
    .insert(traces)
    .values({
      officerUserId: p.officer.userId,
      casePersonId: traced.personId,
      caseUserId: traced.userId,
      caseKeys: traced.keys,
      caseName: traced.name,
      caseProvinceCode: traced.residence?.provinceCode ?? null,
      caseCommuneCode: traced.residence?.communeCode ?? null,
      scopeType: traced.scope.type,
      scopeId: traced.scope.type === "global" ? "" : traced.scope.id,
      periodFrom: from,
      periodTo: p.now,
      bufferMinutes: buffer,
      createdAt: p.now,
    })
    .returning();
  if (!trace) throw new Error("trace insert returned nothing");
  const places = await placeNames(db, [
    ...visitsOfCase.map((v) => v.checkpointId),
    ...exposures.map((e) => e.checkpointId),
  ]);
  await storeContacts(db, trace.id, await draftContacts(db, exposures, 1, places, new Map()));
  const contacts = await contactsOf(db, trace.id);
  await audit(db, {
    actorUserId: p.officer.userId,
    action: "trace.run",
    subjectUserIds: [traced.userId, ...contacts.map((c) => c.userId)].filter((x): x is number => x !== null),
    scope: traced.scope,
    detail: {
      traceId: trace.id,
      by: p.query.by,
      days: p.days,
      bufferMinutes: buffer,
      visits: visitsOfCase.length,
      f1: contacts.length,
    },
    at: p.now,
  });
  return { kind: "ok", result: { trace, traced, caseVisits: visitsOfCase, exposures, contacts, places } };
}

/**
 * Adds the F2 contacts of a trace: whoever met an F1 after that F1's exposure (at checkpoints inside the
 * officer's scope, up to now), neither the case nor an F1. Safe to run again: contacts already listed stay
 * as they are (with their follow-up status).
 */
export async function runF2(
  db: DbOrTx,
  p: { officer: OfficerScope; trace: Trace; now: Date },
): Promise<{ exposures: Exposure[]; contacts: TraceContact[]; places: Map<number, string> }> {
  const all = await contactsOf(db, p.trace.id);
  const f1 = all.filter((c) => c.degree === 1);
  const exposures = await findF2(db, {
    sources: f1.map((c) => ({ key: c.visitorKey, exposedAt: c.exposedAt })),
    to: p.now,
    now: p.now,
    bufferMinutes: p.trace.bufferMinutes,
    place: placeCondition(p.officer),
    exclude: [...p.trace.caseKeys, ...f1.map((c) => c.visitorKey)],
  });
  const places = await placeNames(
    db,
    exposures.map((e) => e.checkpointId),
  );
  const via = new Map(f1.map((c) => [c.visitorKey, c.id]));
  await storeContacts(db, p.trace.id, await draftContacts(db, exposures, 2, places, via));
  await db.update(traces).set({ f2At: p.now }).where(eq(traces.id, p.trace.id));
  const contacts = (await contactsOf(db, p.trace.id)).filter((c) => c.degree === 2);
  await audit(db, {
    actorUserId: p.officer.userId,
    action: "trace.f2",
    subjectUserIds: contacts.flatMap((c) => (c.userId ? [c.userId] : [])),
    scope: traceScope(p.trace),
    detail: { traceId: p.trace.id, f2: contacts.length },
    at: p.now,
  });
  return { exposures, contacts, places };
}

export const traceScope = (t: Trace) =>
  t.scopeType === "global"
    ? ({ type: "global" } as const)
    : ({ type: t.scopeType as "commune" | "province", id: t.scopeId } as const);
