import { z } from "zod";
import type { DbOrTx } from "../../db/client.js";
import type { ActionsTaking, OptionArg, OptionCodec } from "../core/options.js";
import { rows } from "../core/replies.js";
import type { Input, Option, StepContext } from "../core/types.js";
import { type Commune, searchCommunes } from "./admin-units.js";
import { findProvinces, PROVINCES, type Province, provinceByCode } from "./provinces.js";

/**
 * Choosing a province and a commune the same way wherever one is asked (declaration, checkpoint, invitation,
 * lockdown area): provinces are buttons; a commune is found by part of its name — with or without diacritics,
 * either tone-mark placement — and offered as buttons a few at a time with "more". A name that matches nothing
 * is said so; a commune is never kept without its official code. The buttons are ids of the asking flow's
 * codec (`PickerIds`), one per code and one for "more", so each flow keeps its own prefix and its 64-byte
 * budget (codes are 2 or 5 digits).
 */
export const PAGE_SIZE = 6;
/** More than this many matches: the person is asked to type more of the name. */
export const MAX_MATCHES = 36;

const pick = z.object({ code: z.string().max(16), name: z.string().max(200) });

/** The commune buttons on screen, kept in the flow's state so a press needs no database read. */
export const communeListSchema = z.object({
  matches: z.array(pick).max(MAX_MATCHES),
  page: z.number().int().min(0),
  /** More communes matched than are kept: the note asks for more of the name. */
  truncated: z.boolean().optional(),
});
export type CommuneList = z.infer<typeof communeListSchema>;

/** What a flow's `load` reads for a typed commune name. */
export interface CommuneLookup {
  kind: "commune";
  matches: Commune[];
  truncated: boolean;
}

export async function lookupCommunes(
  db: DbOrTx,
  provinceCode: string,
  typed: string,
): Promise<CommuneLookup> {
  const found = await searchCommunes(db, provinceCode, typed.slice(0, 100), MAX_MATCHES + 1);
  return { kind: "commune", matches: found.slice(0, MAX_MATCHES), truncated: found.length > MAX_MATCHES };
}

export type CommuneAnswer =
  | { kind: "chosen"; commune: Commune }
  /** Show these buttons: the first page of new matches, or the next page ("more", edited in place). */
  | { kind: "list"; list: CommuneList; edit: boolean }
  | { kind: "notFound"; typed: string }
  /** A commune button that is no longer on screen. */
  | { kind: "stale" }
  /** Neither a button of this picker nor a typed name: the flow decides (its own buttons, or "type a name"). */
  | { kind: "other" };

/** The picker's buttons in the asking flow's codec: the id of a code (or "more"), the code of a press. */
export interface PickerIds {
  build(code: string): string;
  /** The code (or "more") of a pressed picker button; undefined for any other input. */
  read(input: Input): string | undefined;
}

/** A picker whose buttons are one action of a codec: `<flow>:<action>:<code>` and `<flow>:<action>:more`. */
export function pickerIds<S extends Record<string, readonly OptionArg[]>>(
  codec: OptionCodec<S>,
  action: ActionsTaking<S, readonly ["str"]>,
): PickerIds {
  // The action takes exactly one token, which TypeScript cannot see through the generic.
  const build = codec.build as (action: string, ...args: unknown[]) => string;
  return {
    build: (code) => build(action, code),
    read: (input) => {
      const args: readonly unknown[] | null = codec.match(input, action);
      return typeof args?.[0] === "string" ? args[0] : undefined;
    },
  };
}

/**
 * Reads a commune answer: a pressed button of `shown`, "more", or a typed name with what `load` found for it
 * (`lookup`). One match is taken at once; several are offered; none is refused.
 */
export function answerCommune(
  input: Input,
  ids: PickerIds,
  shown: CommuneList | undefined,
  lookup: unknown,
): CommuneAnswer {
  const pressed = ids.read(input);
  if (pressed === "more") {
    if (!shown || shown.matches.length <= PAGE_SIZE) return { kind: "stale" };
    const pages = Math.ceil(shown.matches.length / PAGE_SIZE);
    return { kind: "list", list: { ...shown, page: (shown.page + 1) % pages }, edit: true };
  }
  if (pressed !== undefined) {
    const hit = shown?.matches.find((m) => m.code === pressed);
    return hit ? { kind: "chosen", commune: hit } : { kind: "stale" };
  }
  const found = lookup as CommuneLookup | undefined;
  if (input.kind !== "text" || found?.kind !== "commune") return { kind: "other" };
  const typed = input.text.trim().replace(/\s+/g, " ").slice(0, 60);
  if (found.matches.length === 0) return { kind: "notFound", typed };
  if (found.matches.length === 1) return { kind: "chosen", commune: found.matches[0]! };
  return { kind: "list", list: { matches: found.matches, page: 0, truncated: found.truncated }, edit: false };
}

/** The buttons of the page on screen, then "more" when there are several pages. */
export function communeButtons(list: CommuneList, ids: PickerIds, ctx: Pick<StepContext, "t">): Option[][] {
  const start = list.page * PAGE_SIZE;
  const page = list.matches.slice(start, start + PAGE_SIZE);
  const out = rows(
    page.map((c) => ({ id: ids.build(c.code), label: c.name })),
    2,
  );
  if (list.matches.length > PAGE_SIZE) out.push([{ id: ids.build("more"), label: ctx.t("places:more") }]);
  return out;
}

/** The line above the buttons: how many matched, which ones are shown, and whether to type more. */
export function communeListNote(list: CommuneList, ctx: Pick<StepContext, "t">): string {
  const n = list.matches.length;
  if (n <= PAGE_SIZE) return ctx.t("places:pickCommune");
  const from = list.page * PAGE_SIZE + 1;
  const to = Math.min(n, from + PAGE_SIZE - 1);
  const key = list.truncated ? "places:pickCommuneMany" : "places:pickCommunePage";
  return ctx.t(key, { from, to, n });
}

/** "Not found", with what was typed, ready to be followed by the question again. */
export function communeNotFound(typed: string, province: string, ctx: Pick<StepContext, "t">): string {
  return ctx.t("places:communeNotFound", { typed, province });
}

/** Every province as a button, three to a row; `marked` gets a tick. */
export function provinceButtons(ids: PickerIds, marked?: string, only?: readonly Province[]): Option[][] {
  const list = only ?? PROVINCES;
  return rows(
    list.map((p) => ({ id: ids.build(p.code), label: `${p.code === marked ? "✅ " : ""}${p.name}` })),
    3,
  );
}

export type ProvinceAnswer =
  | { kind: "chosen"; province: Province }
  /** A typed name that several provinces match: offer just those. */
  | { kind: "several"; provinces: Province[] }
  | { kind: "notFound"; typed: string }
  | { kind: "stale" }
  | { kind: "other" };

/** A pressed province button, or a typed name ("ha noi", "HCM", "tỉnh Lào Cai"). */
export function answerProvince(input: Input, ids: PickerIds): ProvinceAnswer {
  const pressed = ids.read(input);
  if (pressed !== undefined) {
    const p = provinceByCode(pressed);
    return p ? { kind: "chosen", province: p } : { kind: "stale" };
  }
  if (input.kind !== "text") return { kind: "other" };
  const typed = input.text.trim().slice(0, 100);
  const found = findProvinces(typed);
  if (found.length === 1) return { kind: "chosen", province: found[0]! };
  if (found.length === 0) return { kind: "notFound", typed: typed.slice(0, 60) };
  return { kind: "several", provinces: found };
}
