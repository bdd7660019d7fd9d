/** Button ids and internal start payloads of /area, built and read in one place. */
export const AREA_FLOW = "area";

export type AreaOption =
  | { kind: "view"; code: string }
  | { kind: "level"; code: string; level: number }
  | { kind: "population"; code: string }
  | { kind: "coverage"; code: string }
  | { kind: "at"; code: string }
  | { kind: "when"; day: "today" | "tomorrow" };

/** Without the "area:" prefix: what a button carries after it, and what the flow's start payload is. */
export function areaPayload(o: AreaOption): string {
  switch (o.kind) {
    case "view":
      return `c:${o.code}`;
    case "level":
      return `lv:${o.code}:${o.level}`;
    case "population":
      return `pop:${o.code}`;
    case "coverage":
      return `cov:${o.code}`;
    case "at":
      return `at:${o.code}`;
    case "when":
      return `when:${o.day}`;
  }
}

export const areaOption = (o: AreaOption) => `${AREA_FLOW}:${areaPayload(o)}`;

const CODE = "(\\d{5})";

export function parseAreaPayload(s: string): AreaOption | null {
  let m = new RegExp(`^c:${CODE}$`).exec(s);
  if (m) return { kind: "view", code: m[1]! };
  m = new RegExp(`^lv:${CODE}:(\\d{1,2})$`).exec(s);
  if (m) return { kind: "level", code: m[1]!, level: Number(m[2]) };
  m = new RegExp(`^(pop|cov|at):${CODE}$`).exec(s);
  if (m) {
    const kind = ({ pop: "population", cov: "coverage", at: "at" } as const)[m[1] as "pop" | "cov" | "at"];
    return { kind, code: m[2]! };
  }
  m = /^when:(today|tomorrow)$/.exec(s);
  if (m) return { kind: "when", day: m[1] as "today" | "tomorrow" };
  return null;
}

export function parseAreaOption(data: string): AreaOption | null {
  return data.startsWith(`${AREA_FLOW}:`) ? parseAreaPayload(data.slice(AREA_FLOW.length + 1)) : null;
}
