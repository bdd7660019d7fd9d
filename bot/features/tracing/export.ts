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
    t("officials:file.degree"),
    t("officials:file.id"),
    t("officials:file.name"),
    t("officials:file.phone"),
    t("officials:file.place"),
    t("officials:file.in"),
    t("officials:file.out"),
    t("officials:file.metFrom"),
    t("officials:file.metTo"),
    t("officials:file.overlap"),
    t("officials:file.via"),
    t("officials:file.note"),
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
    v.inScope ? "" : t("officials:file.outside"),
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
        t(`officials:followUp.${c.followUp}`),
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
