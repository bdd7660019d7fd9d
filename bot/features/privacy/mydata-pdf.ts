import type { Reply, StepContext } from "../../core/types.js";
import { describeAnswers, formatLocal } from "../declaration/index.js";
import type { PersonalData } from "./collect.js";
import { heldParagraphs, visitorName } from "./summary.js";
import { renderTextPdf, type TextBlock } from "./text-pdf.js";

type Report = PersonalData["memberships"][number]["reports"][number];

function reportLine(r: Report, ctx: StepContext): string {
  const t = ctx.t;
  const parts: string[] = [];
  if (r.healthy) parts.push(t("monitoring:report.values.healthy"));
  else {
    if (r.temperatureTenths !== null) {
      const value = (r.temperatureTenths / 10).toFixed(1);
      parts.push(
        t("monitoring:report.values.temperature", {
          value: `${ctx.lang === "vi" ? value.replace(".", ",") : value} °C`,
        }),
      );
    }
    parts.push(
      r.symptoms.length > 0
        ? t("monitoring:report.values.symptoms", {
            list: r.symptoms.map((s) => t(`declaration:q.symptoms.opt.${s}`).toLowerCase()).join(", "),
          })
        : t("monitoring:report.values.noSymptoms"),
    );
    if (r.spo2 !== null) parts.push(t("monitoring:report.values.spo2", { value: r.spo2 }));
  }
  const day = r.localDate.split("-").reverse().join("/");
  return `${t("privacy:pdf.report", { day, window: r.window + 1 })}: ${parts.join(" · ")}`;
}

/**
 * Everything /mydata holds, as one readable document in the person's language: the summary the chat shows,
 * then every declaration with its answers, every visit and every daily report in full.
 */
export function personalDataBlocks(d: PersonalData, ctx: StepContext): TextBlock[] {
  const t = ctx.t;
  const at = (x: Date) => formatLocal(x, ctx.timeZone);
  const blocks: TextBlock[] = [
    { kind: "title", text: t("privacy:pdf.title") },
    { kind: "note", text: t("privacy:pdf.generated", { at: at(ctx.now) }) },
    { kind: "heading", text: t("privacy:pdf.summary") },
  ];
  for (const paragraph of heldParagraphs(d, ctx))
    for (const [i, line] of paragraph.split("\n").entries())
      blocks.push({ kind: i === 0 ? "line" : "detail", text: line.trim() });
  if (d.account.phoneVerifiedAt)
    blocks.push({ kind: "line", text: t("privacy:pdf.verified", { at: at(d.account.phoneVerifiedAt) }) });

  blocks.push({ kind: "heading", text: t("privacy:pdf.declarations") });
  if (d.declarations.length === 0) blocks.push({ kind: "line", text: t("privacy:pdf.none") });
  for (const p of d.account.people) {
    const mine = d.declarations.filter((x) => x.personId === p.person.id);
    for (const x of [...mine].reverse()) {
      blocks.push({
        kind: "line",
        text: t("privacy:pdf.declaration", {
          name: p.person.fullName,
          at: at(x.declaredAt),
          until: at(x.validUntil),
          status: t(`declaration:status.${x.status}`),
        }),
      });
      for (const a of describeAnswers(x.answers as Record<string, unknown>, t))
        blocks.push({ kind: "detail", text: `${a.label}: ${a.value}` });
    }
  }

  blocks.push({ kind: "heading", text: t("privacy:pdf.visits", { count: d.visits.length }) });
  if (d.visits.length === 0) blocks.push({ kind: "line", text: t("privacy:pdf.none") });
  for (const v of [...d.visits].reverse())
    blocks.push({
      kind: "line",
      text: t("privacy:pdf.visit", {
        who: visitorName(d, v.personId),
        place: v.place,
        address: v.address,
        in: at(v.checkedInAt),
        out: v.checkedOutAt ? at(v.checkedOutAt) : t("privacy:mydata.stillInside"),
      }),
    });

  if (d.memberships.some((m) => m.reports.length > 0)) {
    blocks.push({ kind: "heading", text: t("privacy:pdf.reports") });
    for (const m of d.memberships) {
      if (m.reports.length === 0) continue;
      blocks.push({ kind: "line", text: m.groupName });
      for (const r of m.reports) blocks.push({ kind: "detail", text: reportLine(r, ctx) });
    }
  }
  blocks.push({ kind: "note", text: t("privacy:mydata.howToDelete") });
  return blocks;
}

/** The document as a PDF reply: the file Zalo can carry (it takes no JSON). */
export async function personalDataPdf(d: PersonalData, ctx: StepContext): Promise<Reply> {
  const title = ctx.t("privacy:pdf.title");
  return {
    kind: "document",
    bytes: await renderTextPdf(personalDataBlocks(d, ctx), { title }),
    fileName: "du-lieu-ca-nhan.pdf",
    mimeType: "application/pdf",
    caption: ctx.t("privacy:pdf.caption"),
  };
}
