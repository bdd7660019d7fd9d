import type { EffectEnv, EffectOutcome } from "../../core/engine.js";
import type { I18n } from "../../core/i18n.js";
import { text } from "../../core/replies.js";
import { type EffectMap, FileTooLargeError } from "../../core/types.js";
import { managedGroups } from "./groups.js";
import { importList } from "./import.js";
import { listFileKind, MAX_LIST_ROWS, readListFile, readListTable } from "./list-file.js";
import { groupButtons } from "./manage-flow.js";

/** Problem lines shown after an import; the manager fixes them and sends the file again. */
const PROBLEMS_SHOWN = 20;

/**
 * A manager's list file: read (CSV or XLSX, within the size limit), its rows checked, the people enrolled.
 * Rows with a problem are left out and listed by line, so the file can be fixed and sent again (sending
 * it again updates, it does not duplicate).
 */
export async function importListEffect(
  e: EffectMap["monitoring.importList"],
  env: EffectEnv,
  deps: { i18n: I18n; maxBytes: number },
): Promise<EffectOutcome> {
  const { t } = env.ctx;
  const kind = listFileKind(e.fileName, e.mimeType);
  if (!kind) return [text(t("monitoring:upload.badType"))];
  let groupId = e.groupId;
  if (groupId === null) {
    const groups = await managedGroups(env.tx, env.user.id, { limit: 2 });
    if (groups.length === 0) return [text(t("common:home.notUnderstood"))];
    if (groups.length > 1) return [text(t("monitoring:upload.whichGroup"))];
    groupId = groups[0]!.id;
  }
  const mb = Math.round(deps.maxBytes / 1024 / 1024);
  if ((e.size ?? 0) > deps.maxBytes) return [text(t("monitoring:upload.tooLarge", { mb }))];
  let table: unknown[][];
  try {
    if (!env.files) throw new Error("this channel cannot fetch files");
    table = await readListFile(await env.files.fetch(e.fileRef, deps.maxBytes), kind);
  } catch (err) {
    if (err instanceof FileTooLargeError) return [text(t("monitoring:upload.tooLarge", { mb }))];
    return [text(t("monitoring:upload.unreadable"))];
  }
  const { rows, problems } = readListTable(table);
  if (rows.length > MAX_LIST_ROWS)
    return [text(t("monitoring:upload.tooMany", { n: rows.length, max: MAX_LIST_ROWS }))];
  if (rows.length === 0 && problems.length === 0) return [text(t("monitoring:upload.empty"))];
  const summary = await importList(env.tx, deps.i18n, { actorId: env.user.id, groupId, rows, now: env.now });
  const lines = [
    t("monitoring:upload.done", {
      group: summary.group.name,
      added: summary.added,
      updated: summary.updated,
      invited: summary.invited,
    }),
  ];
  if (problems.length > 0) {
    lines.push(
      t("monitoring:upload.problems", { n: problems.length }),
      ...problems
        .slice(0, PROBLEMS_SHOWN)
        .map((p) => `• ${t(`monitoring:upload.problem.${p.kind}`, { ...p })}`),
    );
    if (problems.length > PROBLEMS_SHOWN)
      lines.push(t("monitoring:status.more", { n: problems.length - PROBLEMS_SHOWN }));
  }
  return [text(lines.join("\n"), { options: groupButtons(summary.group.id, env.ctx) })];
}
