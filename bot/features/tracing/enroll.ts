import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { traces } from "../../../db/schema/index.js";
import type { I18n } from "../../core/i18n.js";
import { audit } from "../../shared/audit.js";
import { addDays, isoDay, localDate } from "../../shared/local-time.js";
import type { OfficerScope } from "../../shared/officer-scope.js";
import type { ListRow } from "../monitoring/index.js";
import {
  createGroup,
  DEFAULT_WINDOWS,
  type Group,
  importList,
  joinGroup,
  managedGroups,
  requireGroupManager,
} from "../monitoring/index.js";
import { QUARANTINE_DAYS, traceFor } from "./actions.js";
import { contactsOf } from "./contacts.js";
import { type TraceContact, traceScope } from "./traces.js";

/** Open home-quarantine groups the officer runs, to enroll F1s in. */
export async function homeGroupsOf(db: DbOrTx, userId: number): Promise<Group[]> {
  return (await managedGroups(db, userId)).filter((g) => g.kind === "home");
}

/** A contact's quarantine: from the local day of exposure, QUARANTINE_DAYS days (the end day is free). */
export function quarantinePeriod(c: Pick<TraceContact, "exposedAt">, timeZone: string) {
  const day = localDate(c.exposedAt, timeZone);
  return { startsOn: isoDay(day), endsOn: isoDay(addDays(day, QUARANTINE_DAYS)) };
}

export interface EnrollSummary {
  group: Group;
  created: boolean;
  /** Listed by phone: linked at once if registered (asked to confirm), else when they register. */
  listed: number;
  /** Dependents, followed through the account that declared them. */
  dependents: number;
  /** No phone known: the officer adds them by hand. */
  skipped: number;
}

/**
 * Enrolls every F1 of a trace in a home-quarantine group in one step: a new group (`groupId` null, named
 * `name`, in the case's commune, spanning every contact's period) or one the officer runs. Each person is
 * followed from their exposure day for QUARANTINE_DAYS days; the group's own end caps that.
 */
export async function enrollF1(
  db: DbOrTx,
  i18n: I18n,
  p: {
    officer: OfficerScope;
    traceId: number;
    groupId: number | null;
    name: string;
    now: Date;
    timeZone: string;
  },
): Promise<EnrollSummary> {
  const trace = await traceFor(db, p.officer, p.traceId);
  const f1 = (await contactsOf(db, trace.id)).filter((c) => c.degree === 1);
  const periods = f1.map((c) => ({ c, ...quarantinePeriod(c, p.timeZone) }));
  const today = isoDay(localDate(p.now, p.timeZone));
  let group: Group;
  const created = p.groupId === null;
  if (p.groupId === null) {
    const starts = periods.map((x) => x.startsOn).sort();
    const ends = periods.map((x) => x.endsOn).sort();
    group = await createGroup(
      db,
      p.officer.userId,
      {
        kind: "home",
        name: p.name,
        communeCode: trace.caseCommuneCode,
        place: p.name,
        startsOn: starts[0] ?? today,
        endsOn: ends.at(-1) ?? isoDay(addDays(localDate(p.now, p.timeZone), QUARANTINE_DAYS)),
        windows: [...DEFAULT_WINDOWS],
      },
      p.now,
    );
  } else group = await requireGroupManager(db, p.officer.userId, p.groupId);

  const rows: ListRow[] = [];
  let dependents = 0;
  let skipped = 0;
  for (const [i, x] of periods.entries()) {
    if (x.c.personId !== null && x.c.userId !== null) {
      const joined = await joinGroup(db, {
        group,
        userId: x.c.userId,
        personId: x.c.personId,
        name: x.c.name,
        now: p.now,
        timeZone: p.timeZone,
      });
      if (!joined.already) dependents += 1;
    } else if (x.c.phone) {
      rows.push({
        line: i + 1,
        phone: x.c.phone,
        name: x.c.name || x.c.phone,
        room: null,
        startsOn: x.startsOn,
        endsOn: x.endsOn,
      });
    } else skipped += 1;
  }
  const imported =
    rows.length > 0
      ? await importList(db, i18n, { actorId: p.officer.userId, groupId: group.id, rows, now: p.now })
      : { added: 0, updated: 0 };
  await db.update(traces).set({ groupId: group.id }).where(eq(traces.id, trace.id));
  await audit(db, {
    actorUserId: p.officer.userId,
    action: "trace.enroll",
    subjectUserIds: f1.flatMap((c) => (c.userId ? [c.userId] : [])),
    scope: traceScope(trace),
    detail: { traceId: trace.id, groupId: group.id, created, listed: rows.length, dependents, skipped },
    at: p.now,
  });
  return { group, created, listed: imported.added + imported.updated, dependents, skipped };
}
