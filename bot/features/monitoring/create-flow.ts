import { end, rows, text } from "../../core/replies.js";
import type {
  Flow,
  FlowState,
  Input,
  LoadEnv,
  Option,
  Reply,
  StepContext,
  StepResult,
} from "../../core/types.js";
import { communeByCode } from "../../shared/admin-units.js";
import { addDays, isoDay, localDate, parseDateRange } from "../../shared/local-time.js";
import {
  answerCommune,
  answerProvince,
  type CommuneList,
  type CommuneLookup,
  communeButtons,
  communeListNote,
  lookupCommunes,
  pickerIds,
  provinceButtons,
} from "../../shared/place-picker.js";
import { PROVINCES, type Province, provinceByCode } from "../../shared/provinces.js";
import type {} from "./effects.js";
import { formatDay, formatWindows, lastDayOf } from "./format.js";
import { creationRights, type GroupKind, MANAGER_MENU_ROLES } from "./groups.js";
import { CREATE_FLOW, createOptions } from "./options.js";
import { DEFAULT_WINDOWS, EVENING_WINDOW, parseWindows, type ReportWindow } from "./reminder-policy.js";

export { CREATE_FLOW };

export const PERIOD_PRESETS = [14, 21];

interface Loaded {
  facility: boolean;
  /** The communes the person is officer of, offered as buttons for a lockdown area. */
  communes: { code: string; name: string }[];
  /** Provinces in any commune of which they may declare a lockdown area (all of them for an administrator). */
  provinces: string[];
}

interface Data extends Partial<Loaded> {
  kind?: GroupKind;
  name?: string;
  /** Lockdown area of someone with a whole province or more: the province, then the commune from the list. */
  province?: string;
  found?: CommuneList;
  commune?: { code: string; name: string } | null;
  place?: string;
  startsOn?: string;
  endsOn?: string;
  windows?: ReportWindow[];
}

const at = (step: string, data: Data): FlowState => ({ flow: CREATE_FLOW, step, data: { ...data } });
const go = (step: string, data: Data, ctx: StepContext): StepResult => {
  const s = at(step, data);
  return { state: s, replies: prompt(s, ctx) };
};

const allowedProvinces = (d: Data): Province[] =>
  (d.provinces ?? []).map((c) => provinceByCode(c)).filter((p) => p !== undefined);

function afterName(data: Data, ctx: StepContext): StepResult {
  if (data.kind !== "lockdown") return go("place", { ...data, commune: null }, ctx);
  const provinces = allowedProvinces(data);
  if (provinces.length === 1) return go("area", { ...data, province: provinces[0]!.code }, ctx);
  if (provinces.length > 1) return go("province", data, ctx);
  const communes = data.communes ?? [];
  if (communes.length === 1) return go("place", { ...data, commune: communes[0]! }, ctx);
  return go("commune", data, ctx);
}

// The place picker's buttons are this codec's "prov" and "area" actions.
const PROVINCE_IDS = pickerIds(createOptions, "prov");
const AREA_IDS = pickerIds(createOptions, "area");

function pickArea(s: FlowState, data: Data, input: Input, ctx: StepContext): StepResult {
  const again = (line: string): StepResult => ({ state: s, replies: [text(`⚠️ ${line}`), ...prompt(s, ctx)] });
  if (s.step === "province") {
    const answer = answerProvince(input, PROVINCE_IDS);
    const allowed = (p: Province) => (data.provinces ?? []).includes(p.code);
    if (answer.kind === "chosen" && allowed(answer.province))
      return go("area", { ...data, province: answer.province.code }, ctx);
    if (answer.kind === "notFound") return again(ctx.t("places:provinceNotFound", { typed: answer.typed }));
    return again(ctx.t("monitoring:report.useButtons"));
  }
  const province = provinceByCode(data.province ?? "")?.name ?? "";
  const answer = answerCommune(input, AREA_IDS, data.found, ctx.loaded);
  switch (answer.kind) {
    case "chosen":
      return go("place", { ...data, found: undefined, commune: answer.commune }, ctx);
    case "list": {
      const next = at("area", { ...data, found: answer.list });
      return { state: next, replies: prompt(next, ctx, answer.edit) };
    }
    case "notFound":
      return again(ctx.t("places:communeNotFound", { typed: answer.typed, province }));
    default:
      return again(ctx.t("monitoring:create.typeCommune"));
  }
}

function step(s: FlowState, input: Input, ctx: StepContext): StepResult {
  const data = s.data as Data;
  const typed = input.kind === "text" ? input.text.trim() : null;
  const again = (key: string, vars: Record<string, string> = {}): StepResult => ({
    state: s,
    replies: [text(`⚠️ ${ctx.t(key, vars)}`), ...prompt(s, ctx)],
  });
  const example = `${formatDay(isoDay(localDate(ctx.now, ctx.timeZone)))} - ${formatDay(isoDay(addDays(localDate(ctx.now, ctx.timeZone), 14)))}`;
  switch (s.step) {
    case "kind": {
      const [picked] = createOptions.match(input, "kind") ?? [];
      const kind = kindsFor(data).find((k) => k === picked);
      if (!kind) return again("monitoring:report.useButtons");
      return go("name", { ...data, kind }, ctx);
    }
    case "name":
      if (typed === null || typed.length < 3 || typed.length > 120) return again("monitoring:create.badName");
      return afterName({ ...data, name: typed.replace(/\s+/g, " ") }, ctx);
    case "commune": {
      const [code] = createOptions.match(input, "commune") ?? [];
      const commune = data.communes?.find((c) => c.code === code);
      return commune ? go("place", { ...data, commune }, ctx) : again("monitoring:report.useButtons");
    }
    case "province":
    case "area":
      return pickArea(s, data, input, ctx);
    case "place":
      if (typed === null || typed.length < 2 || typed.length > 200)
        return again("monitoring:create.badPlace");
      return go("period", { ...data, place: typed }, ctx);
    case "period": {
      const today = localDate(ctx.now, ctx.timeZone);
      const days = createOptions.match(input, "days")?.[0] ?? null;
      if (days !== null && PERIOD_PRESETS.includes(days))
        return go("windows", { ...data, startsOn: isoDay(today), endsOn: isoDay(addDays(today, days)) }, ctx);
      const range = typed === null ? null : parseDateRange(typed, ctx.now, ctx.timeZone);
      if (!range || isoDay(range.from) === isoDay(range.to))
        return again("monitoring:create.badPeriod", { example });
      return go("windows", { ...data, startsOn: isoDay(range.from), endsOn: isoDay(range.to) }, ctx);
    }
    case "windows": {
      let windows: ReportWindow[] | null = null;
      const [win] = createOptions.match(input, "win") ?? [];
      if (win === "morning") windows = [...DEFAULT_WINDOWS];
      else if (win === "both") windows = [...DEFAULT_WINDOWS, EVENING_WINDOW];
      else if (typed !== null) windows = parseWindows(typed);
      if (!windows) return again("monitoring:create.badWindows");
      return go("confirm", { ...data, windows }, ctx);
    }
    case "confirm":
      if (!createOptions.match(input, "ok")) return again("monitoring:report.useButtons");
      return end([text(ctx.t("monitoring:create.creating"), { edit: true })], {
        effects: [
          {
            type: "monitoring.createGroup",
            kind: data.kind!,
            name: data.name!,
            communeCode: data.commune?.code ?? null,
            place: data.commune ? `${data.place}, ${data.commune.name}` : data.place!,
            startsOn: data.startsOn!,
            endsOn: data.endsOn!,
            windows: data.windows!,
          },
        ],
      });
  }
  return end([]);
}

const kindsFor = (d: Data): GroupKind[] => [
  ...(d.facility ? (["facility", "home"] as const) : []),
  ...((d.communes?.length ?? 0) > 0 || (d.provinces?.length ?? 0) > 0 ? (["lockdown"] as const) : []),
];

function prompt(s: FlowState, ctx: StepContext, edit = false): Reply[] {
  const data = s.data as Data;
  const t = ctx.t;
  switch (s.step) {
    case "kind": {
      const options = kindsFor(data).map((k) => ({
        id: createOptions.build("kind", k),
        label: t(`monitoring:kinds.${k}`),
      }));
      return [text(t("monitoring:create.askKind"), { options: rows(options) })];
    }
    case "name":
      return [
        text(
          t("monitoring:create.askName", {
            kind: t(`monitoring:kinds.${data.kind}`),
            example: t(`monitoring:create.examples.${data.kind}`),
          }),
        ),
      ];
    case "commune": {
      const options = (data.communes ?? []).map((c) => ({
        id: createOptions.build("commune", c.code),
        label: c.name,
      }));
      return [text(t("monitoring:create.askCommune"), { options: rows(options, 2) })];
    }
    case "province": {
      const options = provinceButtons(PROVINCE_IDS, undefined, allowedProvinces(data));
      return [text(t("monitoring:create.askProvince"), { options })];
    }
    case "area": {
      const ask = t("monitoring:create.askArea", {
        province: provinceByCode(data.province ?? "")?.name ?? "",
      });
      if (!data.found) return [text(ask)];
      const list = data.found;
      return [
        text(`${ask}\n${communeListNote(list, ctx)}`, {
          options: communeButtons(list, AREA_IDS, ctx),
          edit,
        }),
      ];
    }
    case "place":
      return [text(t(`monitoring:create.askPlace.${data.kind}`))];
    case "period": {
      const today = localDate(ctx.now, ctx.timeZone);
      const example = `${formatDay(isoDay(today))} - ${formatDay(isoDay(addDays(today, 14)))}`;
      const options: Option[] = PERIOD_PRESETS.map((n) => ({
        id: createOptions.build("days", n),
        label: t("monitoring:create.days", { n }),
      }));
      return [text(t("monitoring:create.askPeriod", { example }), { options: [options] })];
    }
    case "windows":
      return [
        text(`${t("monitoring:create.askWindows")}\n${t("monitoring:create.typeWindows")}`, {
          options: [
            [{ id: createOptions.build("win", "morning"), label: t("monitoring:create.morning") }],
            [{ id: createOptions.build("win", "both"), label: t("monitoring:create.both") }],
          ],
        }),
      ];
    case "confirm":
      return [
        text(
          t("monitoring:create.summary", {
            kind: t(`monitoring:kinds.${data.kind}`),
            name: data.name,
            place: data.commune ? `${data.place}, ${data.commune.name}` : data.place,
            from: formatDay(data.startsOn!),
            last: formatDay(lastDayOf(data.endsOn!)),
            to: formatDay(data.endsOn!),
            windows: formatWindows(data.windows!, t),
          }),
          { options: [[{ id: createOptions.build("ok"), label: t("monitoring:create.confirm") }]] },
        ),
      ];
  }
  return [];
}

/** /newgroup: a facility manager or commune officer opens a quarantine facility, home group or lockdown area. */
export function createGroupFlow(): Flow<Loaded | CommuneLookup | undefined> {
  return {
    name: CREATE_FLOW,
    commands: ["newgroup"],
    roles: MANAGER_MENU_ROLES,
    requiresPhone: true,
    async load(env: LoadEnv): Promise<Loaded | CommuneLookup | undefined> {
      if (env.state?.step === "area" && env.input?.kind === "text")
        return lookupCommunes(env.tx, String(env.state.data.province ?? ""), env.input.text);
      if (env.state) return undefined;
      const rights = await creationRights(env.tx, env.user.id);
      const communes = await Promise.all(
        rights.communes.map(async (code) => ({
          code,
          name: (await communeByCode(env.tx, code))?.name ?? code,
        })),
      );
      const provinces = rights.admin ? PROVINCES.map((p) => p.code) : rights.provinces;
      return { facility: rights.facility, communes, provinces };
    },
    start(ctx) {
      const loaded: Loaded =
        ctx.loaded && "facility" in ctx.loaded
          ? ctx.loaded
          : { facility: false, communes: [], provinces: [] };
      const data: Data = { ...loaded };
      const kinds = kindsFor(data);
      if (kinds.length === 0) return end([text(ctx.t("monitoring:create.notAllowed"))]);
      if (kinds.length === 1) return go("name", { ...data, kind: kinds[0] }, ctx);
      return go("kind", data, ctx);
    },
    step,
    prompt,
  };
}
