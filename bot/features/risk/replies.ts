import type { TFunction } from "i18next";
import { rows, text } from "../../core/replies.js";
import type { Reply } from "../../core/types.js";
import type { CommuneRef, LevelRow } from "./levels.js";
import { LEVELS, type Suggestion } from "./matrix.js";
import { areaOption } from "./options.js";

export const LEVEL_BADGE: Record<number, string> = { 1: "🟢", 2: "🟡", 3: "🟠", 4: "🔴" };

/** "🟠 level 3 — high (orange)". */
export const levelText = (t: TFunction, level: number) =>
  `${LEVEL_BADGE[level] ?? ""} ${t(`risk:levels.${level}`)}`;

/** "01/08/2021" from "2021-08-01". */
export const dmy = (iso: string) => iso.split("-").reverse().join("/");

export interface CommuneView {
  commune: CommuneRef;
  current: LevelRow | null;
  history: LevelRow[];
  suggestion: Suggestion | null;
  f0: number;
  population: number | null;
  coverage: number | null;
}

/** An officer's view of one commune: the level in effect, the bot's suggestion and its inputs, the history. */
export function communeViewReply(v: CommuneView, t: TFunction): Reply {
  const lines = [t("risk:view.title", { name: v.commune.name, code: v.commune.code })];
  lines.push(
    v.current
      ? t("risk:view.current", {
          level: levelText(t, v.current.level),
          from: dmy(v.current.effectiveFrom),
          reason: v.current.reason,
        })
      : t("risk:view.noLevel"),
  );
  const population = v.population === null ? t("risk:view.unknown") : v.population.toLocaleString("vi-VN");
  const coverage = v.coverage === null ? t("risk:view.unknown") : `${v.coverage} %`;
  lines.push(
    "",
    v.suggestion
      ? t("risk:view.suggested", {
          level: levelText(t, v.suggestion.level),
          version: v.suggestion.matrixVersion,
        })
      : t("risk:view.noSuggestion"),
    t("risk:view.inputs", {
      f0: v.f0,
      population,
      rate: v.suggestion ? v.suggestion.per100k : "—",
      coverage,
    }),
  );
  if (v.history.length > 0) {
    lines.push("", t("risk:view.history"));
    for (const h of v.history)
      lines.push(
        t("risk:view.historyLine", {
          from: dmy(h.effectiveFrom),
          level: levelText(t, h.level),
          reason: h.reason,
          suggested: h.suggestedLevel ?? "—",
        }),
      );
  }
  const code = v.commune.code;
  const levelButtons = LEVELS.map((l) => ({
    id: areaOption({ kind: "level", code, level: l }),
    label: `${LEVEL_BADGE[l]} ${l}`,
  }));
  lines.push("", t("risk:view.choose"));
  return text(lines.join("\n"), {
    options: [
      ...rows(levelButtons, 4),
      [
        { id: areaOption({ kind: "population", code }), label: t("risk:view.setPopulation") },
        { id: areaOption({ kind: "coverage", code }), label: t("risk:view.setCoverage") },
      ],
    ],
  });
}
