import { describe, expect, it } from "vitest";
import type { Input, StepResult } from "../../../bot/core/types.js";
import { CHECKLIST } from "../../../bot/features/safety/checklist.js";
import { createSafetyFlow } from "../../../bot/features/safety/flow.js";
import { stepContext } from "../../support/context.js";

const flow = createSafetyFlow();
const ctx = { ...stepContext({ lang: "vi" }), loaded: [{ id: 7, name: "Chợ Đồng Xuân" }] };
const press = (data: string): Input => ({ kind: "option", data });
const run = (first: StepResult, inputs: Input[]) =>
  inputs.reduce((r, input) => {
    if (!r.state) throw new Error("the flow ended early");
    return flow.step(r.state, input, ctx);
  }, first);
const yes = press("safety:a:y");

describe("/safety steps", () => {
  it("one place: straight to the first question; every Yes then Save is 12 taps", () => {
    const start = flow.start(ctx, "");
    expect(start.state?.step).toBe("item");
    const all = run(start, [...CHECKLIST.items.map(() => yes), press("safety:save")]);
    expect(all.effects).toEqual([
      {
        type: "safety.save",
        checkpointId: 7,
        answers: Object.fromEntries(CHECKLIST.items.map((i) => [i.id, { answer: "yes" }])),
      },
    ]);
  });

  it("Back keeps the answers given; a required item refuses Not applicable", () => {
    const r = run(flow.start(ctx, ""), [yes, yes, press("safety:back")]);
    expect(r.state?.data).toMatchObject({ i: 1, answers: { qrPosted: { answer: "yes" } } });
    const refused = run(flow.start(ctx, ""), [press("safety:a:x")]);
    expect(refused.state?.data).toMatchObject({ i: 0, answers: {} });
    expect(refused.replies[0]).toMatchObject({ text: expect.stringContaining("Vui lòng dùng các nút bấm") });
  });

  it("a No asks for a note, which may be skipped", () => {
    const r = run(flow.start(ctx, ""), [press("safety:a:n"), press("safety:skip")]);
    expect(r.state?.data).toMatchObject({ i: 1, answers: { qrPosted: { answer: "no" } } });
  });

  it("a manager of no place is told so; the payload picks one of several", () => {
    expect(flow.start({ ...ctx, loaded: [] }, "").state).toBeNull();
    const two = { ...ctx, loaded: [...ctx.loaded, { id: 9, name: "Cổng B" }] };
    expect(flow.start(two, "").state?.step).toBe("choose");
    expect(flow.start(two, "9").state?.data).toMatchObject({ checkpointId: 9, name: "Cổng B" });
  });
});
