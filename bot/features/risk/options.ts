import { optionCodec } from "../../core/options.js";

export const AREA_FLOW = "area";

/** Button ids of /area through the project's option codec; a commune is its 5-digit official code. */
export const areaOptions = optionCodec(AREA_FLOW, {
  c: ["str"],
  lv: ["str", "int"],
  pop: ["str"],
  cov: ["str"],
  at: ["str"],
  when: ["str"],
});

export type AreaOption =
  | { kind: "view"; code: string }
  | { kind: "level"; code: string; level: number }
  | { kind: "population"; code: string }
  | { kind: "coverage"; code: string }
  | { kind: "at"; code: string }
  | { kind: "when"; day: "today" | "tomorrow" };

export function areaOption(o: AreaOption): string {
  switch (o.kind) {
    case "view":
      return areaOptions.build("c", o.code);
    case "level":
      return areaOptions.build("lv", o.code, o.level);
    case "population":
      return areaOptions.build("pop", o.code);
    case "coverage":
      return areaOptions.build("cov", o.code);
    case "at":
      return areaOptions.build("at", o.code);
    case "when":
      return areaOptions.build("when", o.day);
  }
}

/** Without the "area:" prefix: the flow's start payload when a button opens it. */
export const areaPayload = (o: AreaOption) => areaOption(o).slice(AREA_FLOW.length + 1);

const COMMUNE = /^\d{5}$/;

export function parseAreaOption(data: string): AreaOption | null {
  const o = areaOptions.parse(data);
  if (!o) return null;
  if (o.action === "when") {
    const day = o.args[0];
    return day === "today" || day === "tomorrow" ? { kind: "when", day } : null;
  }
  const code = o.args[0];
  if (!COMMUNE.test(code)) return null;
  switch (o.action) {
    case "c":
      return { kind: "view", code };
    case "lv":
      return { kind: "level", code, level: o.args[1] };
    case "pop":
      return { kind: "population", code };
    case "cov":
      return { kind: "coverage", code };
    case "at":
      return { kind: "at", code };
  }
  return null;
}

export const parseAreaPayload = (payload: string) => parseAreaOption(`${AREA_FLOW}:${payload}`);
