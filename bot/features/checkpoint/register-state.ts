import { z } from "zod";
import { rows, text } from "../../core/replies.js";
import type { FlowState, Option, Reply, StepContext } from "../../core/types.js";
import { formatPhone } from "../../shared/phone.js";
import {
  communeButtons,
  communeListNote,
  MAX_MATCHES,
  pickerIds,
  provinceButtons,
} from "../../shared/place-picker.js";
import { STAY_DEFAULT_MINUTES } from "./checkin-policy.js";
import { CHECKPOINT_KINDS } from "./checkpoints.js";
import { REGISTER_FLOW, registerOptions } from "./options.js";

export const FLOW = REGISTER_FLOW;
export const provinceIds = pickerIds(registerOptions, "prov");
export const communeIds = pickerIds(registerOptions, "comm");
const opt = registerOptions.build;

const pick = z.object({ code: z.string().max(16), name: z.string().max(200) });

/** What the registration keeps between messages. */
export const dataSchema = z.object({
  /** Checkpoints the person manages, offered as the parent of a new part. */
  parents: z.array(z.object({ id: z.number().int(), name: z.string() })).default([]),
  parentId: z.number().int().nullable().optional(),
  parentName: z.string().optional(),
  name: z.string().optional(),
  phone: z.string().nullable().optional(),
  province: pick.optional(),
  /** Always from the official list; null only for a part of a checkpoint, which has its parent's address. */
  commune: pick.nullable().optional(),
  detail: z.string().optional(),
  kind: z.enum(CHECKPOINT_KINDS).optional(),
  stay: z.number().int().optional(),
  /** Province or commune buttons on screen, so a press resolves without the database. */
  matches: z.array(pick).max(MAX_MATCHES).optional(),
  /** The page of commune buttons on screen, and whether more matched than were kept. */
  page: z.number().int().min(0).optional(),
  truncated: z.boolean().optional(),
});
export type Data = z.infer<typeof dataSchema>;

export function readData(raw: unknown): Data | null {
  const parsed = dataSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export const stateOf = (step: string, data: Data): FlowState => ({ flow: FLOW, step, data });

export const STAY_PRESETS = [30, 60, 120, 240, 480, 720];

/** "30 phút", "4 giờ", "1 giờ 30" in the language of `t` (or `lng`). */
export function stayText(minutes: number, t: StepContext["t"], lng?: string): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const o = lng ? { lng } : {};
  if (h === 0) return t("checkpoint:duration.minutes", { n: m, ...o });
  if (m === 0) return t("checkpoint:duration.hours", { h, ...o });
  return t("checkpoint:duration.hoursMinutes", { h, m: String(m).padStart(2, "0"), ...o });
}

/** The address as printed: detail, commune, province. */
export function addressOf(d: Data): string {
  return [d.detail, d.commune?.name, d.province?.name].filter((x) => x && x.trim() !== "").join(", ");
}

/** The question of a step, with its buttons. */
export function question(step: string, d: Data, ctx: StepContext, edit = false): Reply {
  const t = ctx.t;
  switch (step) {
    case "parent": {
      const options: Option[] = d.parents
        .slice(0, 8)
        .map((p) => ({ id: opt("parent", String(p.id)), label: p.name }));
      options.push({ id: opt("parent", "none"), label: t("checkpoint:register.parentNone") });
      return text(t("checkpoint:register.askParent"), { options: rows(options) });
    }
    case "name":
      return text(
        d.parentId
          ? t("checkpoint:register.askPartName", { parent: d.parentName })
          : t("checkpoint:register.askName"),
      );
    case "phone": {
      const own = ctx.user.phone;
      return text(t("checkpoint:register.askPhone"), {
        options: own ? [[{ id: opt("phone", "mine"), label: formatPhone(own) }]] : undefined,
      });
    }
    case "province": {
      const several = d.matches?.length ? d.matches.map((m) => ({ ...m, nameEn: m.name })) : undefined;
      return text(t("checkpoint:register.askProvince"), {
        options: provinceButtons(provinceIds, undefined, several),
      });
    }
    case "commune": {
      const ask = t("checkpoint:register.askCommune", { province: d.province?.name ?? "" });
      if (!d.matches?.length) return text(ask);
      const list = { matches: d.matches, page: d.page ?? 0, truncated: d.truncated };
      return text(`${ask}\n${communeListNote(list, ctx)}`, {
        options: communeButtons(list, communeIds, ctx),
        edit,
      });
    }
    case "detail":
      return text(t("checkpoint:register.askDetail"));
    case "kind":
      return text(t("checkpoint:register.askKind"), {
        options: rows(
          CHECKPOINT_KINDS.map((k) => ({ id: opt("kind", k), label: t(`checkpoint:kinds.${k}`) })),
          2,
        ),
      });
    case "stay":
      return text(t("checkpoint:register.askStay"), {
        options: rows(
          STAY_PRESETS.map((m) => ({
            id: opt("stay", m),
            label: m === STAY_DEFAULT_MINUTES ? `✓ ${stayText(m, t)}` : stayText(m, t),
          })),
          3,
        ),
      });
    default:
      return summary(d, ctx);
  }
}

export function summary(d: Data, ctx: StepContext, edit = false): Reply {
  const t = ctx.t;
  const lines = [t("checkpoint:register.summary"), `• ${t("checkpoint:fields.name")}: ${d.name ?? ""}`];
  if (d.parentId) lines.push(`• ${t("checkpoint:fields.parent")}: ${d.parentName ?? ""}`);
  else {
    lines.push(
      `• ${t("checkpoint:fields.phone")}: ${d.phone ? formatPhone(d.phone) : "—"}`,
      `• ${t("checkpoint:fields.address")}: ${addressOf(d)}`,
      `• ${t("checkpoint:fields.kind")}: ${d.kind ? t(`checkpoint:kinds.${d.kind}`) : ""}`,
    );
  }
  lines.push(`• ${t("checkpoint:fields.stay")}: ${stayText(d.stay ?? STAY_DEFAULT_MINUTES, t)}`);
  return text(lines.join("\n"), {
    edit,
    options: [
      [
        { id: opt("confirm"), label: t("checkpoint:register.confirm") },
        { id: opt("restart"), label: t("checkpoint:register.restart") },
      ],
    ],
  });
}
