import QRCode from "qrcode";

export type QrErrorCorrection = "M" | "Q";

export interface QrPngOptions {
  /** Pixels per module; below 4 phone cameras start missing codes printed small or shown on a dim screen. */
  scale?: number;
  /** Quiet zone in modules; the standard asks for 4. */
  margin?: number;
  ecl?: QrErrorCorrection;
}

export const QR_DEFAULT_SCALE = 8;
export const QR_MIN_SCALE = 4;
export const QR_QUIET_ZONE = 4;

/** A square matrix of modules, `dark(row, col)` true for a black module; `size` excludes the quiet zone. */
export interface QrMatrix {
  size: number;
  dark(row: number, col: number): boolean;
}

export function qrMatrix(text: string, ecl: QrErrorCorrection = "M"): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: ecl });
  return { size: modules.size, dark: (row, col) => modules.get(row, col) === 1 };
}

export async function renderQrPng(text: string, opts: QrPngOptions = {}): Promise<Buffer> {
  const scale = opts.scale ?? QR_DEFAULT_SCALE;
  const margin = opts.margin ?? QR_QUIET_ZONE;
  if (!Number.isInteger(scale) || scale < QR_MIN_SCALE) {
    throw new RangeError(`QR scale must be an integer ≥ ${QR_MIN_SCALE}, got ${scale}`);
  }
  if (!Number.isInteger(margin) || margin < 0) throw new RangeError(`QR margin must be an integer ≥ 0`);
  return QRCode.toBuffer(text, {
    type: "png",
    errorCorrectionLevel: opts.ecl ?? "M",
    scale,
    margin,
    color: { dark: "#000000ff", light: "#ffffffff" },
  });
}

/** The largest whole number of pixels per module (never below the minimum) that fits the QR and its quiet zone. */
export function qrScaleToFit(matrix: QrMatrix, widthPx: number, margin = QR_QUIET_ZONE): number {
  return Math.max(QR_MIN_SCALE, Math.floor(widthPx / (matrix.size + 2 * margin)));
}
