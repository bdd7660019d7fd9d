import type { TFunction } from "i18next";
import { localDay } from "../../shared/local-time.js";
import type { SafetyStatus } from "./assessments.js";

const BADGE = { safe: "🟢", low: "🟡", medium: "🟠", high: "🔴" } as const;

/** "🟢 COVID safety: safe (self-assessed 01/08/2021, valid until 08/08/2021)", or "not assessed". */
export function statusLine(
  s: SafetyStatus,
  t: (key: string, vars?: Record<string, unknown>) => string,
  timeZone: string,
): string {
  if (s.kind !== "current") return t("safety:status.notAssessed");
  return t("safety:status.current", {
    badge: BADGE[s.rating],
    rating: t(`safety:ratings.${s.rating}`),
    date: localDay(s.assessedAt, timeZone),
    until: localDay(s.validUntil, timeZone),
  });
}

export const ratingLabel = (t: TFunction, rating: keyof typeof BADGE) =>
  `${BADGE[rating]} ${t(`safety:ratings.${rating}`)}`;
