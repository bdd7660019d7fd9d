import type { TFunction } from "i18next";
import type { ErasureSummary } from "./erase.js";

/** The summary after /delete: exactly what was erased (counted from the deleted rows) and what was kept, why. */
export function erasedText(s: ErasureSummary, t: TFunction): string {
  const d = s.declarations;
  const erased = [
    t("privacy:erased.declarations", { count: d.declarations }),
    d.dependents ? t("privacy:erased.dependents", { count: d.dependents }) : "",
    d.drafts ? t("privacy:erased.drafts", { count: d.drafts }) : "",
    t("privacy:erased.visits", { count: s.visits }),
    s.monitoring.memberships
      ? t("privacy:erased.memberships", { count: s.monitoring.memberships, reports: s.monitoring.reports })
      : "",
    s.tracing.contacts ? t("privacy:erased.contacts", { count: s.tracing.contacts }) : "",
    s.tracing.asCase ? t("privacy:erased.asCase", { count: s.tracing.asCase }) : "",
    s.roles ? t("privacy:erased.roles", { count: s.roles }) : "",
    s.invitations ? t("privacy:erased.invitations", { count: s.invitations }) : "",
    s.messages ? t("privacy:erased.messages", { count: s.messages }) : "",
    d.self ? t("privacy:erased.self") : "",
    d.phone ? t("privacy:erased.phone") : "",
    s.consent ? t("privacy:erased.consent") : "",
  ];
  const kept = [
    ...s.monitoring.kept.map((k) =>
      t("privacy:erased.keptMonitoring", { name: k.groupName, count: k.reports, until: k.endsOn }),
    ),
    s.checkpointsKept ? t("privacy:erased.keptCheckpoints", { count: s.checkpointsKept }) : "",
    t("privacy:erased.keptAudit"),
    t("privacy:erased.keptAccount"),
  ];
  const section = (title: string, lines: string[]) => [title, ...lines.filter(Boolean)].join("\n");
  return [section(t("privacy:erased.title"), erased), section(t("privacy:erased.keptTitle"), kept)].join(
    "\n\n",
  );
}
