import type { TFunction } from "i18next";
import { localDay, localTime } from "../../shared/local-time.js";
import { toCsv, toXlsx } from "../../shared/spreadsheet.js";
import { contactWindow, type Exposure } from "./query.js";
import type { CaseVisit, TraceContact } from "./traces.js";

export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const stamp = (at: Date | null, tz: string) => (at ? `${localDay(at, tz)} ${localTime(at, tz)}` : "");

export interface TraceTableInput {
  caseName: string;
  caseVisits: CaseVisit[];
  exposures: Exposure[];
  /** Stored contacts, by visitor key (F1 and F2). */
  contacts: TraceContact[];
  places: Map<number, string>;
  t: TFunction;
  timeZone: string;
}

/**
 * The trace as one table: the case's visits (F0), then one row per exposure (a contact's visit meeting a
 * case visit, or an F1's after exposure), with the contact's short id for /followup.
 */
export function traceTable(x: TraceTableInput): string[][] {
  const { t, timeZone: tz } = x;
  const byKey = new Map(x.contacts.map((c) => [c.visitorKey, c]));
  const byId = new Map(x.contacts.map((c) => [c.id, c]));
  const header = [
    t("tracing:file.degree"),
    t("tracing:file.id"),
    t("tracing:file.name"),
    t("tracing:file.phone"),
    t("tracing:file.place"),
    t("tracing:file.in"),
    t("tracing:file.out"),
    t("tracing:file.metFrom"),
    t("tracing:file.metTo"),
    t("tracing:file.overlap"),
    t("tracing:file.via"),
    t("tracing:file.note"),
  ];
  const caseRows = x.caseVisits.map((v) => [
    "F0",
    "",
    x.caseName,
    "",
    v.place,
    stamp(v.start, tz),
    stamp(v.end, tz),
    "",
    "",
    "",
    "",
    v.inScope ? "" : t("tracing:file.outside"),
  ]);
  const exposureRows = x.exposures.flatMap((e) => {
    const c = byKey.get(e.contactKey);
    if (!c) return [];
    const w = contactWindow(e);
    const via = c.viaContactId === null ? undefined : byId.get(c.viaContactId);
    return [
      [
        `F${c.degree}`,
        `#${c.id}`,
        c.name,
        c.phone ?? "",
        x.places.get(e.checkpointId) ?? "",
        stamp(e.start, tz),
        stamp(e.end, tz),
        stamp(w.from, tz),
        stamp(w.to, tz),
        String(w.overlapMinutes),
        c.degree === 2 ? `#${via?.id ?? c.viaContactId ?? ""}` : "",
        t(`tracing:followUp.${c.followUp}`),
      ],
    ];
  });
  return [header, ...caseRows, ...exposureRows];
}

export interface TraceFiles {
  csv: { bytes: Buffer; fileName: string };
  xlsx: { bytes: Buffer; fileName: string };
}

export async function traceFiles(table: string[][], base: string, sheet: string): Promise<TraceFiles> {
  return {
    csv: { bytes: toCsv(table), fileName: `${base}.csv` },
    xlsx: { bytes: await toXlsx(table, sheet), fileName: `${base}.xlsx` },
  };
}
