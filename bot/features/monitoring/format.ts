import type { TFunction } from "i18next";
import type { Lang } from "../../core/i18n.js";
import { formatPhone } from "../../shared/phone.js";
import { formatClock, type ReportWindow } from "./reminder-policy.js";

/** "2021-08-15" → "15/08/2021". */
export function formatDay(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}

/** The last day people report: the day before the end day (the day they complete it). */
export function lastDayOf(endsOn: string): string {
  const d = new Date(`${endsOn}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** Tenths of a degree → "38,5 °C" (Vietnamese writes a decimal comma) or "38.5 °C". */
export function formatTemperature(tenths: number, lang: Lang): string {
  const s = (tenths / 10).toFixed(1);
  return `${lang === "vi" ? s.replace(".", ",") : s} °C`;
}

export const formatWindow = (w: ReportWindow) => `${formatClock(w.from)}–${formatClock(w.to)}`;

export const formatWindows = (ws: readonly ReportWindow[], t: TFunction) =>
  ws.map(formatWindow).join(` ${t("monitoring:and")} `);

/** What a report says, as the values a manager reads in an alert or the status. */
export interface ReportValues {
  healthy: boolean;
  temperatureBand: string | null;
  temperatureTenths: number | null;
  symptoms: string[];
  spo2: number | null;
  note: string | null;
}

export function reportValues(r: ReportValues, t: TFunction, lang: Lang): string {
  if (r.healthy) return t("monitoring:report.values.healthy");
  const parts: string[] = [];
  if (r.temperatureTenths !== null)
    parts.push(
      t("monitoring:report.values.temperature", { value: formatTemperature(r.temperatureTenths, lang) }),
    );
  else if (r.temperatureBand)
    parts.push(
      t("monitoring:report.values.temperature", { value: t(`monitoring:report.band.${r.temperatureBand}`) }),
    );
  if (r.symptoms.length > 0)
    parts.push(
      t("monitoring:report.values.symptoms", {
        list: r.symptoms.map((s) => t(`declaration:q.symptoms.opt.${s}`).toLowerCase()).join(", "),
      }),
    );
  else parts.push(t("monitoring:report.values.noSymptoms"));
  if (r.spo2 !== null) parts.push(t("monitoring:report.values.spo2", { value: r.spo2 }));
  if (r.note) parts.push(t("monitoring:report.values.note", { note: r.note }));
  return parts.join(" · ");
}

/** A name with the room or house and the phone when there are: "Nguyễn Văn An (P.101) · 0912 345 678". */
export const whoWithRoom = (name: string, room: string | null, t: TFunction, phone?: string | null) =>
  `${name || t("monitoring:noName")}${room ? ` (${room})` : ""}${phone ? ` · ${formatPhone(phone)}` : ""}`;
