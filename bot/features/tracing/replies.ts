import type { EffectEnv } from "../../core/engine.js";
import { text } from "../../core/replies.js";
import type { Reply, StepContext } from "../../core/types.js";
import { communeByCode } from "../../shared/admin-units.js";
import { localDay, localTime } from "../../shared/local-time.js";
import { formatPhone } from "../../shared/phone.js";
import { provinceByCode } from "../../shared/provinces.js";
import { traceFiles, traceTable, XLSX_MIME } from "./export.js";
import { followUpButtons, traceButtons } from "./trace-flow.js";
import type { TraceContact, TraceResult } from "./traces.js";

/** What officials read after /trace, F2 and follow-up: short lines, the full detail in CSV and XLSX. */

const LIST_MAX = 15;
const stamp = (d: Date, tz: string) => `${localDay(d, tz).slice(0, 5)} ${localTime(d, tz)}`;
export const phoneOf = (c: TraceContact) => (c.phone ? formatPhone(c.phone) : "—");

export function contactLine(c: TraceContact, ctx: StepContext): string {
  const tz = ctx.timeZone;
  return ctx.t("tracing:trace.contactLine", {
    id: c.id,
    name: c.name || "—",
    phone: phoneOf(c),
    place: c.placeName,
    from: stamp(c.exposedAt, tz),
    to: localTime(c.exposureEnd, tz),
    minutes: c.overlapMinutes,
  });
}

export function contactList(contacts: TraceContact[], ctx: StepContext): string[] {
  const lines = contacts.slice(0, LIST_MAX).map((c) => contactLine(c, ctx));
  if (contacts.length > LIST_MAX) lines.push(ctx.t("tracing:trace.more", { n: contacts.length - LIST_MAX }));
  return lines;
}

export async function traceFileReplies(table: string[][], base: string, ctx: StepContext): Promise<Reply[]> {
  const f = await traceFiles(table, base, ctx.t("tracing:file.sheet"));
  return [
    { kind: "document", bytes: f.csv.bytes, fileName: f.csv.fileName, mimeType: "text/csv" },
    { kind: "document", bytes: f.xlsx.bytes, fileName: f.xlsx.fileName, mimeType: XLSX_MIME },
  ];
}

/** "Xã Cẩm Thuỷ, Thanh Hoá": a place by its names, never by its codes. */
function placeName(commune: string | undefined, provinceCode: string | null): string {
  const province = provinceCode ? provinceByCode(provinceCode)?.name : undefined;
  return [commune, province].filter((x) => x).join(", ") || "—";
}

export async function resultReplies(env: EffectEnv, r: TraceResult): Promise<Reply[]> {
  const { t, timeZone: tz } = env.ctx;
  const commune = r.trace.caseCommuneCode ? await communeByCode(env.tx, r.trace.caseCommuneCode) : null;
  const outside = r.caseVisits.filter((v) => !v.inScope).length;
  const lines = [
    t("tracing:trace.head", {
      id: r.trace.id,
      name: r.traced.name || "—",
      born: r.traced.birthYear ?? "—",
      where: placeName(commune?.name, r.trace.caseProvinceCode),
    }),
    t("tracing:trace.period", {
      n: Math.round((r.trace.periodTo.getTime() - r.trace.periodFrom.getTime()) / 86_400_000),
      from: localDay(r.trace.periodFrom, tz),
      to: localDay(r.trace.periodTo, tz),
      buffer: r.trace.bufferMinutes,
    }),
    t("tracing:trace.visits", { n: r.caseVisits.length }),
    ...r.caseVisits
      .slice(0, LIST_MAX)
      .map(
        (v) => `• ${v.place} · ${stamp(v.start, tz)}${v.inScope ? "" : ` · ${t("tracing:trace.outside")}`}`,
      ),
    ...(outside > 0 ? [t("tracing:trace.outsideNote", { n: outside })] : []),
    "",
    t("tracing:trace.f1", { n: r.contacts.length }),
    ...contactList(r.contacts, env.ctx),
  ];
  const table = traceTable({
    caseName: r.traced.name,
    caseVisits: r.caseVisits,
    exposures: r.exposures,
    contacts: r.contacts,
    places: r.places,
    t,
    timeZone: tz,
  });
  return [
    text(lines.join("\n"), { options: traceButtons(r.trace.id, env.ctx) }),
    ...(await traceFileReplies(table, `trace-${r.trace.id}-f1`, env.ctx)),
  ];
}

export function contactCard(c: TraceContact, ctx: StepContext, edit: boolean): Reply {
  const lines = [
    `F${c.degree} · ${contactLine(c, ctx)}`,
    ctx.t("tracing:followUp.current", { status: ctx.t(`tracing:followUp.${c.followUp}`) }),
  ];
  return text(lines.join("\n"), { options: followUpButtons(c.id, ctx), edit });
}
