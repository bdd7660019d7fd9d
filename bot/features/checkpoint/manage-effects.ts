import type { EffectEnv, EffectOutcome } from "../../core/engine.js";
import { text } from "../../core/replies.js";
import type { EffectMap, Reply } from "../../core/types.js";
import { renderPosterPdf, renderPosterPng } from "../../render/poster.js";
import type { Links } from "../../shared/links.js";
import type { LocalDate } from "../../shared/local-time.js";
import { toCsv, toXlsx } from "../../shared/spreadsheet.js";
import {
  type Checkpoint,
  checkpointById,
  createCheckpoint,
  displayShortCode,
  inviteStaff,
  requireCheckpointRole,
  rotateCheckpointCode,
} from "./checkpoints.js";
import { checkpointLink, posterInput, summaryReply } from "./replies.js";
import { extraButtons, posterNotes, type VenueNotes } from "./venue-notes.js";
import { type ExportLabels, visitTable } from "./visit-export.js";
import { exportVisits, visitorSummary } from "./visit-log.js";
import { managerButtons } from "./visitors-flow.js";

export interface ManageDeps {
  links: Links;
  staffInviteDays: number;
  notes: VenueNotes[];
}

/** The poster as a PNG to look at and an A4 PDF to print. */
async function posterReplies(cp: Checkpoint, env: EffectEnv, deps: ManageDeps): Promise<Reply[]> {
  const { t } = env.ctx;
  const parent = cp.parentId ? await checkpointById(env.tx, cp.parentId) : null;
  const bot = deps.links.botUsername();
  const status = await posterNotes(deps.notes, env.tx, cp, env.ctx);
  const input = posterInput(cp, parent, t, deps.links, status);
  const slug = `poster-${cp.shortCode}`;
  const [png, pdf] = await Promise.all([renderPosterPng(input), renderPosterPdf(input)]);
  return [
    {
      kind: "photo",
      png,
      fileName: `${slug}.png`,
      caption: t("checkpoint:poster.caption", { name: cp.name, code: displayShortCode(cp.shortCode) }),
      qr: checkpointLink(cp.code, bot),
    },
    {
      kind: "document",
      bytes: pdf,
      fileName: `${slug}.pdf`,
      mimeType: "application/pdf",
      caption: t("checkpoint:poster.pdfCaption"),
    },
  ];
}

const dateOf = (iso: string): LocalDate => {
  const [y, mo, d] = iso.split("-").map(Number);
  return { y: y!, mo: mo!, d: d! };
};

function exportLabels(env: EffectEnv): ExportLabels {
  const { t } = env.ctx;
  return {
    columns: [
      t("checkpoint:export.place"),
      t("checkpoint:export.checkedIn"),
      t("checkpoint:export.checkedOut"),
      t("checkpoint:export.ended"),
      t("checkpoint:export.name"),
      t("checkpoint:export.phone"),
      t("checkpoint:export.who"),
      t("checkpoint:export.method"),
    ],
    ended: (how) => (how ? t(`checkpoint:export.endedHow.${how}`) : t("checkpoint:export.inside")),
    who: (who) => t(`checkpoint:export.whoKind.${who}`),
    method: (m) => t(`checkpoint:export.methods.${m}`),
  };
}

type Handler<K extends keyof EffectMap> = (
  e: { type: K } & EffectMap[K],
  env: EffectEnv,
) => Promise<EffectOutcome>;

/** Effects of registration and the manager's menu; every one goes through a service that checks the role. */
export function manageEffects(deps: ManageDeps): {
  [K in
    | "checkpoint.create"
    | "checkpoint.view"
    | "checkpoint.export"
    | "checkpoint.poster"
    | "checkpoint.inviteStaff"
    | "checkpoint.rotate"]: Handler<K>;
} {
  return {
    "checkpoint.create": async (e, env) => {
      const { type: _, ...input } = e;
      const parent = input.parentId ? await checkpointById(env.tx, input.parentId) : null;
      // A part (a floor, a gate) is where its building is.
      const values = parent
        ? {
            ...input,
            phone: parent.phone,
            provinceCode: parent.provinceCode,
            communeCode: parent.communeCode,
            address: parent.address,
            kind: parent.kind as typeof input.kind,
          }
        : input;
      const cp = await createCheckpoint(env.tx, env.user.id, values, env.now);
      const { t } = env.ctx;
      return [
        text(t("checkpoint:register.created", { name: cp.name, code: displayShortCode(cp.shortCode) })),
        ...(await posterReplies(cp, env, deps)),
        text(t("checkpoint:register.next"), {
          options: managerButtons(cp.id, env.ctx, extraButtons(deps.notes, cp.id, env.ctx)),
        }),
      ];
    },
    "checkpoint.view": async (e, env) => {
      const summary = await visitorSummary(env.tx, {
        actorUserId: env.user.id,
        checkpointId: e.checkpointId,
        now: env.now,
        timeZone: env.ctx.timeZone,
      });
      const extra = extraButtons(deps.notes, e.checkpointId, env.ctx);
      return [summaryReply(summary, env.ctx, e.edit ?? false, extra)];
    },
    "checkpoint.export": async (e, env) => {
      const log = await exportVisits(env.tx, {
        actorUserId: env.user.id,
        checkpointId: e.checkpointId,
        from: dateOf(e.from),
        to: dateOf(e.to),
        now: env.now,
        timeZone: env.ctx.timeZone,
      });
      const { t } = env.ctx;
      // Days as people write them: 01/08/2021.
      const dmy = (iso: string) => iso.split("-").reverse().join("/");
      const vars = { name: log.checkpoint.name, from: dmy(log.from), to: dmy(log.to), n: log.rows.length };
      if (log.rows.length === 0) return [text(t("checkpoint:export.empty", vars))];
      const table = visitTable(log, exportLabels(env), env.ctx.timeZone);
      const base = `visits-${log.checkpoint.shortCode}-${log.from}-${log.to}`;
      return [
        {
          kind: "document",
          bytes: toCsv(table),
          fileName: `${base}.csv`,
          mimeType: "text/csv",
          caption: t("checkpoint:export.caption", vars),
        },
        {
          kind: "document",
          bytes: await toXlsx(table, log.checkpoint.name),
          fileName: `${base}.xlsx`,
          mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
      ];
    },
    "checkpoint.poster": async (e, env) => {
      const cp = await requireCheckpointRole(env.tx, env.user.id, ["checkpoint_manager"], e.checkpointId);
      return posterReplies(cp, env, deps);
    },
    "checkpoint.inviteStaff": async (e, env) => {
      const inv = await inviteStaff(
        env.tx,
        env.user.id,
        e.checkpointId,
        env.now,
        deps.staffInviteDays * 86_400_000,
      );
      const link = deps.links.ways(env.ctx.t, inv);
      return [
        text(
          env.ctx.t("checkpoint:visitors.staffLink", {
            name: inv.checkpoint.name,
            link,
            days: deps.staffInviteDays,
          }),
        ),
      ];
    },
    "checkpoint.rotate": async (e, env) => {
      const cp = await rotateCheckpointCode(env.tx, env.user.id, e.checkpointId, env.now);
      return [
        text(
          env.ctx.t("checkpoint:visitors.rotated", { name: cp.name, code: displayShortCode(cp.shortCode) }),
        ),
        ...(await posterReplies(cp, env, deps)),
      ];
    },
  };
}
