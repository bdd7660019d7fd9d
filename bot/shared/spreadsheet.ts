/** RFC 4180: quoted fields with "" for a quote, commas or semicolons, CRLF or LF; a BOM is dropped. */
export function parseCsv(text: string): string[][] {
  const src = text.replace(/^\uFEFF/, "");
  const firstLine = src.split(/\r?\n/, 1)[0] ?? "";
  // Excel in Vietnamese locales saves with ";".
  const sep = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ";" : ",";
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows.filter((r) => r.some((x) => x.trim() !== ""));
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
  const { default: writeXlsxFile } = await import("write-excel-file/node");
  // Sheet names: at most 31 characters, none of : \ / ? * [ ].
  const name = sheet.replace(/[:\\/?*[\]]/g, " ").slice(0, 31) || "Sheet1";
  return writeXlsxFile(data, { sheet: name, stickyRowsCount: 1 }).toBuffer();
}
