/**
 * Base45 (RFC 9285): bytes as characters of the QR alphanumeric set, so a QR encodes them in the dense
 * alphanumeric mode (5.5 bits a character) instead of byte mode — the trick EU COVID certificates use.
 */
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

export function base45Encode(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 2) {
    if (i + 1 < bytes.length) {
      const n = bytes[i]! * 256 + bytes[i + 1]!;
      out += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45) % 45]! + ALPHABET[Math.floor(n / 2025)]!;
    } else {
      const n = bytes[i]!;
      out += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45)]!;
    }
  }
  return out;
}

/** The bytes, or null when the text is not valid Base45. */
export function base45Decode(text: string): Uint8Array | null {
  if (text.length % 3 === 1) return null;
  const out: number[] = [];
  for (let i = 0; i < text.length; i += 3) {
    const digits = [...text.slice(i, i + 3)].map((c) => VALUE.get(c));
    if (digits.some((d) => d === undefined)) return null;
    const [c, d, e] = digits as number[];
    if (e === undefined) {
      const n = c! + d! * 45;
      if (n > 255) return null;
      out.push(n);
    } else {
      const n = c! + d! * 45 + e * 2025;
      if (n > 65535) return null;
      out.push(n >> 8, n & 255);
    }
  }
  return Uint8Array.from(out);
}
