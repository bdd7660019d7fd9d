import { pagesToPdf } from "../../render/draw-pdf.js";
import { A4, type DrawOp, fitText, MM, type Page, textBlock } from "../../render/layout.js";
import { QR_QUIET_ZONE, qrMatrix } from "../../render/qr-image.js";

export interface QrCard {
  qrText: string;
  /** Full name as it should be printed, with diacritics. */
  name: string;
  /** Short, already localized lines such as "Năm sinh: 1950". */
  lines: string[];
}

export interface QrCardOptions {
  /** Printed at the top of every card (cards are cut apart, so a page header would be lost) and used as the PDF title. */
  title?: string;
}

// Cards have the ID-1 size of a bank or citizen ID card, so they fit a wallet or an ID sleeve; ten fit on an A4
// sheet, separated by dashed lines that run from edge to edge so that each cut is one straight stroke.
export const CARD = { width: 85.6 * MM, height: 54 * MM, columns: 2, rows: 5 } as const;
const PER_PAGE = CARD.columns * CARD.rows;
const GREEN = "#0b6e4f";
const INK = "#111111";
const GREY = "#3d3d3d";

export async function renderQrCardPdf(cards: QrCard[], opts: QrCardOptions = {}): Promise<Buffer> {
  if (cards.length === 0) throw new RangeError("no cards to render");
  const pages: Page[] = [];
  for (let i = 0; i < cards.length; i += PER_PAGE) pages.push(cardPage(cards.slice(i, i + PER_PAGE), opts));
  return pagesToPdf(pages, { title: opts.title });
}

function cardPage(cards: QrCard[], opts: QrCardOptions): Page {
  const left = (A4.width - CARD.columns * CARD.width) / 2;
  const top = (A4.height - CARD.rows * CARD.height) / 2;
  const ops: DrawOp[] = [];
  cards.forEach((card, i) => {
    const x = left + (i % CARD.columns) * CARD.width;
    const y = top + Math.floor(i / CARD.columns) * CARD.height;
    ops.push(...cardOps(card, x, y, opts.title));
  });
  const cut = { kind: "line", color: "#9a9a9a", lineWidth: 0.5, dash: 3 } as const;
  const usedRows = Math.ceil(cards.length / CARD.columns);
  const cutBottom = usedRows === CARD.rows ? A4.height : top + usedRows * CARD.height + 10 * MM;
  for (let c = 0; c <= CARD.columns; c++) {
    const x = left + c * CARD.width;
    ops.push({ ...cut, x1: x, y1: 0, x2: x, y2: cutBottom });
  }
  for (let r = 0; r <= usedRows; r++) {
    const y = top + r * CARD.height;
    ops.push({ ...cut, x1: 0, y1: y, x2: A4.width, y2: y });
  }
  return { width: A4.width, height: A4.height, ops };
}

function cardOps(card: QrCard, x: number, y: number, title: string | undefined): DrawOp[] {
  // The QR and its quiet zone take a 42 mm square on the left (a typical signed token gives modules of about
  // 0.7 mm, easy for any phone camera); the quiet zone stays inside the card so an imprecise cut never eats it.
  const matrix = qrMatrix(card.qrText);
  const box = 42 * MM;
  const qrSize = (box * matrix.size) / (matrix.size + 2 * QR_QUIET_ZONE);
  const boxTop = y + (CARD.height - box) / 2;
  const ops: DrawOp[] = [
    { kind: "qr", matrix, x: x + 2 * MM + (box - qrSize) / 2, y: boxTop + (box - qrSize) / 2, size: qrSize },
  ];
  const textX = x + 2 * MM + box + 1 * MM;
  const width = x + CARD.width - 4 * MM - textX;
  const top = y + 5 * MM;
  const bottomLimit = y + CARD.height - 4.5 * MM;
  // Shrink everything together until the text column fits (long names wrap to up to three lines first), then
  // center the column beside the QR.
  for (let f = 1; ; f -= 0.05) {
    const text = cardText(card, title, { x: textX, top, width }, f);
    if (text.bottom <= bottomLimit || f <= 0.55) {
      const dy = Math.max(0, (bottomLimit - text.bottom) / 2);
      return ops.concat(text.ops.map((op) => shiftDown(op, dy)));
    }
  }
}

function shiftDown(op: DrawOp, dy: number): DrawOp {
  switch (op.kind) {
    case "line":
      return { ...op, y1: op.y1 + dy, y2: op.y2 + dy };
    default:
      return { ...op, y: op.y + dy };
  }
}

function cardText(
  card: QrCard,
  title: string | undefined,
  at: { x: number; top: number; width: number },
  f: number,
): { ops: DrawOp[]; bottom: number } {
  const ops: DrawOp[] = [];
  let top = at.top;
  const place = { x: at.x, width: at.width, align: "left" } as const;
  if (title) {
    const fitted = fitText(title.toLocaleUpperCase("vi"), "bold", at.width, {
      maxSize: 7 * f,
      minSize: 5,
      maxLines: 2,
      balance: true,
    });
    const block = textBlock(
      fitted.lines,
      { ...place, top },
      { size: fitted.size, weight: "bold", color: GREEN },
    );
    ops.push(...block.ops);
    top = block.bottom + 1.5 * MM * f;
  }
  const name = fitText(card.name, "bold", at.width, { maxSize: 13 * f, minSize: 7, maxLines: 3 });
  const nameBlock = textBlock(
    name.lines,
    { ...place, top, lineHeight: name.size * 1.2 },
    { size: name.size, weight: "bold", color: INK },
  );
  ops.push(...nameBlock.ops);
  top = nameBlock.bottom + 1.5 * MM * f;
  ops.push({ kind: "line", x1: at.x, y1: top, x2: at.x + 12 * MM, y2: top, color: GREEN, lineWidth: 1 });
  top += 2 * MM * f;
  for (const line of card.lines) {
    // A detail line reads best unbroken: shrink it a little first, wrap only what still does not fit.
    const fitted = fitText(line, "regular", at.width, {
      maxSize: 8 * f,
      minSize: Math.min(6.5, 8 * f),
      maxLines: 1,
    });
    const block = textBlock(
      fitted.lines,
      { ...place, top },
      { size: fitted.size, weight: "regular", color: GREY },
    );
    ops.push(...block.ops);
    top = block.bottom + 0.6 * MM * f;
  }
  return { ops, bottom: top };
}
