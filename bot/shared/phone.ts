import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/**
 * A phone number as E.164 (+84…), or null when it cannot be a real number.
 * Typed numbers are read as Vietnamese unless they start with "+"; numbers from a shared contact are
 * international even without the "+" (Telegram sends "84912345678").
 */
export function normalizePhone(raw: string, opts: { international?: boolean } = {}): string | null {
  const cleaned = raw.trim();
  if (cleaned.length === 0 || cleaned.length > 32) return null;
  const candidate =
    opts.international && !cleaned.startsWith("+") ? `+${cleaned.replace(/\D/g, "")}` : cleaned;
  const parsed = parsePhoneNumberFromString(candidate, "VN");
  if (!parsed?.isValid()) return null;
  return parsed.number;
}

/** +84912345678 → 0912 345 678 for Vietnamese numbers; international format otherwise. */
export function formatPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.country === "VN" ? parsed.formatNational() : parsed.formatInternational();
}
