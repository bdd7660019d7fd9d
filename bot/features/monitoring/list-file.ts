import { fold } from "../../shared/fold.js";
import { normalizePhone } from "../../shared/phone.js";
import { parseCsv } from "../../shared/spreadsheet.js";

/** One person of a manager's list file. Days are local "YYYY-MM-DD"; null: the group's. */
export interface ListRow {
  line: number;
  phone: string;
  name: string;
  room: string | null;
  startsOn: string | null;
  endsOn: string | null;
}

export type ListProblemKind = "phone" | "name" | "start" | "end" | "period" | "duplicate";

export interface ListProblem {
  line: number;
  kind: ListProblemKind;
  value: string;
}

export const MAX_LIST_ROWS = 5000;

type Column = "phone" | "name" | "room" | "start" | "end";
const ORDER: Column[] = ["phone", "name", "room", "start", "end"];

/** Header words, folded (no diacritics, no spaces), in Vietnamese and English. */
const HEADERS: Record<Column, string[]> = {
  phone: ["phone", "sodienthoai", "dienthoai", "sdt", "sodt", "mobile", "tel", "phonenumber"],
  name: ["name", "hoten", "hovaten", "ten", "fullname"],
  room: [
    "room",
    "house",
    "roomhouse",
    "phong",
    "nha",
    "sonha",
    "sophong",
    "phongnha",
    "phongsonha",
    "diachi",
  ],
  start: ["start", "batdau", "ngaybatdau", "tungay", "from", "startdate"],
  end: ["end", "ketthuc", "ngayketthuc", "denngay", "to", "enddate"],
};

const key = (cell: unknown) => fold(String(cell ?? "")).replace(/\s+/g, "");

/** A cell as text: spreadsheets give numbers, dates and booleans too. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "" : v.toISOString().slice(0, 10);
  return String(v).trim();
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "15/08/2021", "15-8-21", "2021-08-15", or a spreadsheet date → "2021-08-15"; null if none of those. */
export function parseListDate(v: unknown): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  // A date cell read without its format: days since 1899-12-30.
  if (typeof v === "number" && v > 20000 && v < 80000)
    return new Date(Date.UTC(1899, 11, 30) + v * 86_400_000).toISOString().slice(0, 10);
  const s = cellText(v);
  let y: number;
  let mo: number;
  let d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  const vn = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(s);
  if (iso) [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (vn) [d, mo, y] = [Number(vn[1]), Number(vn[2]), Number(vn[3])];
  else return null;
  if (y < 100) y += 2000;
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return `${y}-${pad(mo)}-${pad(d)}`;
}

/** Which column holds what: from a header row, or the default order when the first row is data. */
function columnsOf(first: unknown[]): { index: Map<Column, number>; header: boolean } {
  const index = new Map<Column, number>();
  first.forEach((cell, i) => {
    const k = key(cell);
    for (const col of ORDER) if (!index.has(col) && HEADERS[col].includes(k)) index.set(col, i);
  });
  if (index.has("phone")) return { index, header: true };
  return { index: new Map(ORDER.map((c, i) => [c, i])), header: false };
}

/** What is wrong with a row, "blank" for an empty one, null when it can be enrolled. */
function checkRow(
  cells: unknown[],
  raw: (col: Column) => unknown,
  seen: Set<string>,
): { kind: ListProblemKind; value: unknown } | "blank" | null {
  if (!cells.some((c) => cellText(c) !== "")) return "blank";
  // Spreadsheets drop a phone's leading zero: 912345678 is read as 0912 345 678.
  const phone = normalizePhone(cellText(raw("phone")));
  const name = cellText(raw("name")).replace(/\s+/g, " ");
  const startText = cellText(raw("start"));
  const endText = cellText(raw("end"));
  const startsOn = startText ? parseListDate(raw("start")) : null;
  const endsOn = endText ? parseListDate(raw("end")) : null;
  if (!phone) return { kind: "phone", value: raw("phone") };
  if (name.length < 2 || name.length > 100) return { kind: "name", value: raw("name") };
  if (startText && !startsOn) return { kind: "start", value: raw("start") };
  if (endText && !endsOn) return { kind: "end", value: raw("end") };
  if (startsOn && endsOn && !(startsOn < endsOn))
    return { kind: "period", value: `${startText} – ${endText}` };
  if (seen.has(phone)) return { kind: "duplicate", value: raw("phone") };
  return null;
}

/**
 * Reads the rows of a list: phone and name required; room/house, start and end optional. A row with a
 * problem is left out and reported by its line; a phone listed twice keeps its first row.
 */
export function readListTable(table: unknown[][]): { rows: ListRow[]; problems: ListProblem[] } {
  const nonEmpty = table.filter((r) => r.some((c) => cellText(c) !== ""));
  const [first] = nonEmpty;
  if (!first) return { rows: [], problems: [] };
  const { index, header } = columnsOf(first);
  const rows: ListRow[] = [];
  const problems: ListProblem[] = [];
  const seen = new Set<string>();
  const body = header ? table.slice(table.indexOf(first) + 1) : table.slice(table.indexOf(first));
  const offset = table.length - body.length;
  for (const [i, cells] of body.entries()) {
    const line = offset + i + 1;
    const raw = (col: Column) => (index.has(col) ? cells[index.get(col)!] : undefined);
    const problem = checkRow(cells, raw, seen);
    if (problem === "blank") continue;
    if (problem) {
      problems.push({ line, kind: problem.kind, value: cellText(problem.value).slice(0, 40) });
      continue;
    }
    const phone = normalizePhone(cellText(raw("phone")))!;
    seen.add(phone);
    rows.push({
      line,
      phone,
      name: cellText(raw("name")).replace(/\s+/g, " "),
      room: cellText(raw("room")).slice(0, 60) || null,
      startsOn: cellText(raw("start")) ? parseListDate(raw("start")) : null,
      endsOn: cellText(raw("end")) ? parseListDate(raw("end")) : null,
    });
  }
  return { rows, problems };
}

export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export function listFileKind(fileName?: string, mimeType?: string): "csv" | "xlsx" | null {
  const name = (fileName ?? "").toLowerCase();
  if (name.endsWith(".xlsx") || mimeType === XLSX_MIME) return "xlsx";
  if (name.endsWith(".csv") || mimeType === "text/csv" || mimeType === "text/comma-separated-values")
    return "csv";
  return null;
}

/** The cells of a CSV (UTF-8) or of the first sheet of an XLSX workbook. */
export async function readListFile(bytes: Buffer, kind: "csv" | "xlsx"): Promise<unknown[][]> {
  if (kind === "csv") return parseCsv(bytes.toString("utf8"));
  // Loaded with the first spreadsheet a manager sends, not at start.
  const { readSheet } = await import("read-excel-file/node");
  return (await readSheet(bytes)) as unknown[][];
}
