/** Zalo's consultation-message window, counted from the user's last interaction with the OA. */
export type ZaloWindow = "free" | "paid" | "closed";

export const FREE_WINDOW_MS = 48 * 3600_000;
export const PAID_WINDOW_MS = 7 * 24 * 3600_000;

/**
 * Free replies for 48 h after the user's last message (or follow), paid ones up to 7 days, none after:
 * Zalo refuses them (-230) and only an approved template message could reach the person.
 */
export function zaloWindow(lastInteraction: Date | null | undefined, now: Date): ZaloWindow {
  if (!lastInteraction) return "closed";
  const age = now.getTime() - lastInteraction.getTime();
  if (age <= FREE_WINDOW_MS) return "free";
  if (age <= PAID_WINDOW_MS) return "paid";
  return "closed";
}
