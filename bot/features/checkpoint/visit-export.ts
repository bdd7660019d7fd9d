import { localDay, localTime } from "../../shared/local-time.js";
import { formatPhone } from "../../shared/phone.js";
import type { VisitLog, VisitorRow } from "./visit-log.js";

/** Column titles and value labels in the reader's language. */
export interface ExportLabels {
  columns: [
    place: string,
    checkedIn: string,
    checkedOut: string,
    ended: string,
    name: string,
    phone: string,
    who: string,
    method: string,
  ];
  ended: (how: string | null) => string;
  who: (who: VisitorRow["who"]) => string;
  method: (method: string) => string;
}

const stamp = (at: Date | null, timeZone: string) =>
  at ? `${localDay(at, timeZone)} ${localTime(at, timeZone)}` : "";

/** The log as a table of strings: the header, then one row per visit. */
export function visitTable(log: VisitLog, labels: ExportLabels, timeZone: string): string[][] {
  return [
    [...labels.columns],
    ...log.rows.map((r) => [
      log.names.get(r.visit.checkpointId) ?? "",
      stamp(r.visit.checkedInAt, timeZone),
      stamp(r.visit.checkedOutAt, timeZone),
      labels.ended(r.visit.endedHow),
      r.name,
      r.phone ? formatPhone(r.phone) : "",
      labels.who(r.who),
      labels.method(r.visit.method),
    ]),
  ];
}
