/**
 * A small town for tracing tests: places (checkpoints, some with sub-checkpoints, one in another commune)
 * and a week of visits by a dozen residents from a seeded generator, plus an independent computation of
 * the F1 and F2 sets in plain TypeScript (nothing shared with the SQL it checks).
 */

export const COMMUNE_HERE = "00004";
export const COMMUNE_THERE = "00008";
export const PROVINCE = "01";

export interface WorldPlace {
  label: string;
  parent: string | null;
  commune: string;
}

export const PLACES: WorldPlace[] = [
  { label: "Market", parent: null, commune: COMMUNE_HERE },
  { label: "Market hall A", parent: "Market", commune: COMMUNE_HERE },
  { label: "Market hall B", parent: "Market", commune: COMMUNE_HERE },
  { label: "Clinic", parent: null, commune: COMMUNE_HERE },
  { label: "Clinic floor 2", parent: "Clinic", commune: COMMUNE_HERE },
  { label: "School", parent: null, commune: COMMUNE_HERE },
  { label: "Far shop", parent: null, commune: COMMUNE_THERE },
];

export interface WorldVisit {
  who: number;
  place: string;
  start: Date;
  end: Date;
}

/** Mulberry32: small, seeded, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIN = 60_000;

/**
 * `people` visitors over `days` days from `firstDay` (a UTC instant at local midnight): each day two or three
 * visits in a row between about 08:00 and 20:00 local, 20 to 120 minutes long. Visitor 0 (the case) starts
 * the first day at the far shop (outside the officer's commune) and stays home the other days.
 */
export function makeVisits(seed: number, people: number, days: number, firstDay: Date): WorldVisit[] {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const out: WorldVisit[] = [];
  for (let who = 0; who < people; who++) {
    // The case went out on the first day only, so that later days make F2 without making everyone F1.
    for (let d = 0; d < (who === 0 ? 1 : days); d++) {
      let t = firstDay.getTime() + d * 86_400_000 + 8 * 60 * MIN + Math.floor(rnd() * 180) * MIN;
      const n = who === 0 ? 3 : 1 + Math.floor(rnd() * 2);
      for (let k = 0; k < n; k++) {
        const place = who === 0 && d === 0 && k === 0 ? "Far shop" : pick(PLACES.slice(0, 6)).label;
        const length = (20 + Math.floor(rnd() * 100)) * MIN;
        out.push({ who, place, start: new Date(t), end: new Date(t + length) });
        t += length + (5 + Math.floor(rnd() * 150)) * MIN;
      }
    }
  }
  // Two contacts made sure of: the dependent (10) at another part of the same place just after the case
  // left (inside the buffer, no overlap), and the walk-in (11) at the very place during the case's visit.
  const [, second, third] = out.filter((v) => v.who === 0);
  if (people > 11 && second && third) {
    const root = rootOf(second.place);
    const sibling = PLACES.find((p) => rootOf(p.label) === root && p.label !== second.place)?.label ?? root;
    const at = second.end.getTime() + 10 * MIN;
    out.push({ who: 10, place: sibling, start: new Date(at), end: new Date(at + 30 * MIN) });
    const mid = third.start.getTime() + 5 * MIN;
    out.push({ who: 11, place: third.place, start: new Date(mid), end: new Date(mid + 20 * MIN) });
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime() || a.who - b.who);
}

export function rootOf(label: string): string {
  const p = PLACES.find((x) => x.label === label);
  return p?.parent ? rootOf(p.parent) : label;
}

export interface OracleVisit {
  key: string;
  checkpointId: number;
  start: number;
  end: number;
}

export interface Expected {
  /** F1 visitor key → first exposure (ms). */
  f1: Map<string, number>;
  f2: Set<string>;
}

/**
 * F1: anyone (not the case) with a visit at a checkpoint of the same tree as one of the case's visits in
 * [from, to), inside scope, whose time meets the case's visit widened by the buffer. F2: the same against
 * each F1's visits from their first exposure on, excluding the case and the F1s.
 */
export function expectedContacts(p: {
  visits: OracleVisit[];
  parents: Map<number, number | null>;
  inScope: (checkpointId: number) => boolean;
  caseKeys: string[];
  from: number;
  to: number;
  bufferMs: number;
}): Expected {
  const root = (id: number): number => {
    let at = id;
    for (let parent = p.parents.get(at); parent !== null && parent !== undefined; parent = p.parents.get(at))
      at = parent;
    return at;
  };
  const meets = (src: { checkpointId: number; start: number; end: number }, o: OracleVisit) =>
    root(src.checkpointId) === root(o.checkpointId) &&
    p.inScope(o.checkpointId) &&
    o.start < src.end + p.bufferMs &&
    o.end > src.start - p.bufferMs;
  const isCase = new Set(p.caseKeys);
  const caseVisits = p.visits.filter((v) => isCase.has(v.key) && v.end > p.from && v.start < p.to);
  const f1 = new Map<string, number>();
  for (const o of p.visits) {
    if (isCase.has(o.key)) continue;
    for (const c of caseVisits) {
      if (!meets(c, o)) continue;
      const s = Math.max(c.start, o.start);
      const e = Math.min(c.end, o.end);
      const at = Math.min(s, e);
      f1.set(o.key, Math.min(f1.get(o.key) ?? Number.POSITIVE_INFINITY, at));
    }
  }
  const f2 = new Set<string>();
  for (const [key, exposedAt] of f1) {
    const sources = p.visits
      .filter((v) => v.key === key && v.end > exposedAt && v.start < p.to)
      .map((v) => ({ ...v, start: Math.max(v.start, exposedAt) }));
    for (const o of p.visits) {
      if (isCase.has(o.key) || f1.has(o.key)) continue;
      if (sources.some((s) => meets(s, o))) f2.add(o.key);
    }
  }
  return { f1, f2 };
}
