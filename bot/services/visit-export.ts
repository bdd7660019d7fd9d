import writeXlsxFile from "write-excel-file/node";
import { localDay, localTime } from "./local-time.js";
import { formatPhone } from "./phone.js";
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

/** A cell a spreadsheet would run as a formula ("=HYPERLINK(…)" typed as a name) is kept as text. */
function defuse(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180 CSV with a BOM, so Excel opens Vietnamese text as UTF-8. */
export function toCsv(table: string[][]): Buffer {
  const quote = (cell: string) => {
    const safe = defuse(cell);
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const body = table.map((row) => row.map(quote).join(",")).join("\r\n");
  return Buffer.from(`\uFEFF${body}\r\n`, "utf8");
}

export async function toXlsx(table: string[][], sheet: string): Promise<Buffer> {
  // Cells are typed as text, so nothing in them runs as a formula.
  const data = table.map((row, i) =>
    row.map((value) => ({
      value,
      type: String,
      ...(i === 0 ? { fontWeight: "bold" as const } : {}),
    })),
  );
  // Sheet names: at most 31 characters, none of : \ / ? * [ ].
  const name = sheet.replace(/[:\\/?*[\]]/g, " ").slice(0, 31) || "Sheet1";
  return writeXlsxFile(data, { sheet: name, stickyRowsCount: 1 }).toBuffer();
}
