import { describe, expect, it } from "vitest";
import type { Input, StepResult } from "../../../bot/core/types.js";
import { createAreaFlow, parseCoverage, parsePopulation } from "../../../bot/features/risk/flow.js";
import { areaOption, parseAreaOption } from "../../../bot/features/risk/options.js";
import { stepContext } from "../../support/context.js";

const flow = createAreaFlow();
// 23:30 on 31 July in Hanoi: "today" is the local day, not the UTC one.
const ctx = {
  ...stepContext({ lang: "en", now: new Date("2021-07-31T16:30:00Z") }),
  loaded: { officer: true },
};
const typed = (text: string): Input => ({ kind: "text", text });
const press = (data: string): Input => ({ kind: "option", data });
const run = (first: StepResult, inputs: Input[]) =>
  inputs.reduce((r, input) => {
    if (!r.state) throw new Error("the flow ended early");
    return flow.step(r.state, input, ctx);
  }, first);

describe("/area steps", () => {
  it.each([
    ["12500", 12500],
    ["12.500", 12500],
    ["12 500", 12500],
    ["0", null],
    ["-5", null],
    ["1.5k", null],
    ["", null],
  ])("population %j → %j", (text, n) => {
    expect(parsePopulation(text)).toBe(n);
  });

  it.each([
    ["72", 72],
    ["72,5", 72.5],
    ["72.5 %", 72.5],
    ["100", 100],
    ["100.5", null],
    ["-1", null],
    ["abc", null],
  ])("coverage %j → %j", (text, n) => {
    expect(parseCoverage(text)).toBe(n);
  });

  it("a level button, a reason and Today set the level from the local day", () => {
    const r = run(flow.start(ctx, "lv:00004:3"), [typed("Cluster at the market"), press("area:when:today")]);
    expect(r.effects).toEqual([
      {
        type: "risk.set",
        code: "00004",
        level: 3,
        reason: "Cluster at the market",
        effectiveFrom: "2021-07-31",
      },
    ]);
    const t = run(flow.start(ctx, "lv:00004:2"), [typed("Fewer cases"), typed("05/08/2021")]);
    expect(t.effects?.[0]).toMatchObject({ level: 2, effectiveFrom: "2021-08-05" });
  });

  it("a level outside 1–4 asks again, whether typed or in a forged button", () => {
    const typedFive = run(flow.start(ctx, "at:00004"), [typed("5")]);
    expect(typedFive.state?.step).toBe("at");
    expect(typedFive.replies[0]).toMatchObject({ text: expect.stringContaining("A level is 1, 2, 3 or 4") });
    expect(flow.start(ctx, "lv:00004:7").state?.step).toBe("at");
  });

  it("a bad date, a bad population and a photo instead of a CSV lose nothing", () => {
    const when = run(flow.start(ctx, "lv:00004:3"), [typed("Cluster"), typed("someday")]);
    expect(when.state).toMatchObject({ step: "when", data: { code: "00004", level: 3, reason: "Cluster" } });
    const pop = run(flow.start(ctx, "pop:00004"), [typed("lots")]);
    expect(pop.state?.step).toBe("pop");
    const photo = run(flow.start(ctx, ""), [{ kind: "photo", fileRef: "f" }]);
    expect(photo.state?.step).toBe("commune");
  });

  it("non-officers are turned away", () => {
    const r = flow.start({ ...ctx, loaded: { officer: false } }, "");
    expect(r.state).toBeNull();
  });

  it("button ids round-trip and stay under 64 bytes", () => {
    for (const o of [
      { kind: "view", code: "00004" },
      { kind: "level", code: "00004", level: 4 },
      { kind: "population", code: "00004" },
      { kind: "coverage", code: "00004" },
      { kind: "when", day: "tomorrow" },
    ] as const) {
      const id = areaOption(o);
      expect(Buffer.byteLength(id)).toBeLessThan(64);
      expect(parseAreaOption(id)).toEqual(o);
    }
  });
});
