import { type FontWeight, fontBytes, fontPath, normalizeText } from "./fonts.js";
import type { DrawOp, Page, QrOp } from "./layout.js";

const WEIGHTS: FontWeight[] = ["regular", "bold"];
const CREATOR = "health-declaration-bot";

/** One PDF with a page per layout; the TTFs are embedded as subsets, so any viewer shows the diacritics. */
export async function pagesToPdf(pages: Page[], info: { title?: string } = {}): Promise<Buffer> {
  const first = pages[0];
  if (!first) throw new RangeError("a PDF needs at least one page");
  // Loaded on the first PDF (posters, cards), not at start.
  const { default: PDFDocument } = await import("pdfkit");
  // Starting with our own font keeps pdfkit from loading its built-in Helvetica metrics, which are never used.
  const doc = new PDFDocument({
    size: [first.width, first.height],
    margin: 0,
    autoFirstPage: false,
    font: fontPath("regular"),
    // pdfkit fails on an info key that is present but undefined.
    info: info.title ? { Title: info.title, Creator: CREATOR } : { Creator: CREATOR },
  });
  for (const weight of WEIGHTS) doc.registerFont(weight, fontBytes(weight));

  const done = collect(doc);
  for (const page of pages) {
    doc.addPage({ size: [page.width, page.height], margin: 0 });
    for (const op of page.ops) drawOp(doc, op);
  }
  doc.end();
  return done;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
}

function drawOp(doc: PDFKit.PDFDocument, op: DrawOp): void {
  switch (op.kind) {
    case "text":
      doc
        .font(op.weight)
        .fontSize(op.size)
        .fillColor(op.color)
        .text(normalizeText(op.text), op.x, op.y, {
          lineBreak: false,
          baseline: "alphabetic",
          characterSpacing: op.spacing ?? 0,
        });
      return;
    case "rect": {
      doc.save();
      if (op.radius) doc.roundedRect(op.x, op.y, op.w, op.h, op.radius);
      else doc.rect(op.x, op.y, op.w, op.h);
      if (op.fill && op.stroke) doc.lineWidth(op.lineWidth ?? 1).fillAndStroke(op.fill, op.stroke);
      else if (op.fill) doc.fill(op.fill);
      else if (op.stroke) doc.lineWidth(op.lineWidth ?? 1).stroke(op.stroke);
      doc.restore();
      return;
    }
    case "line":
      doc.save().moveTo(op.x1, op.y1).lineTo(op.x2, op.y2).lineWidth(op.lineWidth);
      if (op.dash) doc.dash(op.dash, { space: op.dash });
      doc.stroke(op.color).restore();
      return;
    case "qr":
      drawQr(doc, op);
      return;
  }
}

// Vector modules stay sharp at any print size. Horizontal runs are merged into one rectangle so the file stays
// small, and every rectangle is a little taller than its row so that no hairline seams appear between rows.
function drawQr(doc: PDFKit.PDFDocument, op: QrOp): void {
  const { matrix } = op;
  const m = op.size / matrix.size;
  doc.save();
  for (let row = 0; row < matrix.size; row++) {
    let col = 0;
    while (col < matrix.size) {
      if (!matrix.dark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < matrix.size && matrix.dark(row, col)) col++;
      const bleed = row < matrix.size - 1 ? m * 0.02 : 0;
      doc.rect(op.x + start * m, op.y + row * m, (col - start) * m, m + bleed);
    }
  }
  doc.fill("#000000").restore();
}
