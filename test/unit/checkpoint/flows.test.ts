import { describe, expect, it } from "vitest";
import type { FlowState, Input, Reply, StepContext, StepResult } from "../../../bot/core/types.js";
import { checkinIdle, createCheckinFlow } from "../../../bot/features/checkpoint/checkin-flow.js";
import { createCheckpointRegisterFlow } from "../../../bot/features/checkpoint/register-flow.js";
import { createScanFlow } from "../../../bot/features/checkpoint/scan-flow.js";
import { visitorsMenu } from "../../../bot/features/checkpoint/visitors-flow.js";
import { stepContext } from "../../support/context.js";

/** Steps are fed whatever a load would have read; the table rows are untyped, hence `never`. */
const ctx = (loaded?: unknown): StepContext<never> => ({
  ...stepContext({ lang: "en", user: { phone: "+84912345678" }, now: new Date("2021-08-14T03:00:00Z") }),
  loaded: loaded as never,
});
const say = (t: string): Input => ({ kind: "text", text: t });
const press = (data: string): Input => ({ kind: "option", data });
const textOf = (r: StepResult) => r.replies.map((x: Reply) => (x.kind === "text" ? x.text : "")).join("\n");
const buttons = (r: StepResult) =>
  r.replies.flatMap((x) => (x.kind === "text" ? (x.options ?? []).flat().map((o) => o.id) : []));

describe("/checkpoint", () => {
  const flow = createCheckpointRegisterFlow();
  const run = (state: FlowState, ...inputs: [Input, unknown?][]) => {
    let r: StepResult = { state, replies: [] };
    for (const [input, loaded] of inputs) r = flow.step(r.state!, input, ctx(loaded));
    return r;
  };

  it("asks name, phone, province, commune, address, kind and stay, then registers", () => {
    const started = flow.start(ctx({ kind: "start", parents: [] }), "");
    expect(started.state?.step).toBe("name");
    const r = run(
      started.state!,
      [say("Minh Anh grocery")],
      [press("checkpoint:phone:mine")],
      [press("checkpoint:prov:01")],
      [
        say("hoan kiem"),
        { kind: "commune", truncated: false, matches: [{ code: "00070", name: "Phường Hoàn Kiếm" }] },
      ],
      [say("1 Tràng Tiền")],
      [press("checkpoint:kind:shop")],
      [say("2 giờ")],
    );
    expect(r.state?.step).toBe("confirm");
    expect(textOf(r)).toContain("1 Tràng Tiền, Phường Hoàn Kiếm, Hà Nội");
    const done = flow.step(r.state!, press("checkpoint:confirm"), ctx());
    expect(done.state).toBeNull();
    expect(done.effects).toEqual([
      {
        type: "checkpoint.create",
        name: "Minh Anh grocery",
        parentId: null,
        phone: "+84912345678",
        provinceCode: "01",
        communeCode: "00070",
        address: "1 Tràng Tiền, Phường Hoàn Kiếm, Hà Nội",
        kind: "shop",
        stayMinutes: 120,
      },
    ]);
  });

  it("offers a part of a managed checkpoint, and asks only its name and stay", () => {
    const started = flow.start(ctx({ kind: "start", parents: [{ id: 9, name: "Bệnh viện C" }] }), "");
    expect(buttons(started)).toEqual(["checkpoint:parent:9", "checkpoint:parent:none"]);
    const r = run(
      started.state!,
      [press("checkpoint:parent:9")],
      [say("Tầng 3")],
      [press("checkpoint:stay:30")],
    );
    expect(r.state?.step).toBe("confirm");
    expect(flow.step(r.state!, press("checkpoint:confirm"), ctx()).effects?.[0]).toMatchObject({
      parentId: 9,
      name: "Tầng 3",
      stayMinutes: 30,
    });
  });

  it("offers every province as a button, and communes a page at a time with More", () => {
    const base = flow.start(ctx({ kind: "start", parents: [] }), "").state!;
    const atProvince = flow.step({ ...base, step: "phone" }, press("checkpoint:phone:mine"), ctx());
    expect(atProvince.state?.step).toBe("province");
    expect(buttons(atProvince)).toHaveLength(34);
    expect(buttons(atProvince)).toContain("checkpoint:prov:38");
    const atCommune = flow.step(atProvince.state!, press("checkpoint:prov:38"), ctx());
    expect(textOf(atCommune)).toContain("Thanh Hoá");
    const matches = Array.from({ length: 14 }, (_, i) => ({ code: `15${100 + i}`, name: `Xã Hoà ${i + 1}` }));
    const first = flow.step(
      atCommune.state!,
      say("hoa"),
      ctx({ kind: "commune", truncated: false, matches }),
    );
    expect(buttons(first)).toEqual([
      ...matches.slice(0, 6).map((m) => `checkpoint:comm:${m.code}`),
      "checkpoint:comm:more",
    ]);
    expect(textOf(first)).toContain("14 communes/wards match; showing 1–6");
    const second = flow.step(first.state!, press("checkpoint:comm:more"), ctx());
    expect(second.replies[0]).toMatchObject({ edit: true });
    expect(buttons(second)).toContain("checkpoint:comm:15106");
    expect(textOf(second)).toContain("showing 7–12");
    const third = flow.step(
      flow.step(second.state!, press("checkpoint:comm:more"), ctx()).state!,
      press("checkpoint:comm:more"),
      ctx(),
    );
    expect(textOf(third)).toContain("showing 1–6");
    const chosen = flow.step(second.state!, press("checkpoint:comm:15107"), ctx());
    expect(chosen.state?.step).toBe("detail");
    expect(chosen.state?.data.commune).toEqual({ code: "15107", name: "Xã Hoà 8" });
    const none = flow.step(
      atCommune.state!,
      say("xyzxyz"),
      ctx({ kind: "commune", truncated: false, matches: [] }),
    );
    expect(none.state?.step).toBe("commune");
    expect(none.state?.data.commune).toBeUndefined();
    expect(textOf(none)).toContain("No commune or ward named «xyzxyz» in Thanh Hoá");
  });

  it("refuses a stay out of range, an unknown province, and several matches become buttons", () => {
    const base = flow.start(ctx({ kind: "start", parents: [] }), "").state!;
    const atStay = { ...base, step: "stay" };
    expect(textOf(flow.step(atStay, say("10"), ctx()))).toContain("between 15 minutes and 23 h 45");
    expect(textOf(flow.step(atStay, say("24h"), ctx()))).toContain("between 15 minutes and 23 h 45");
    const atProvince = { ...base, step: "province" };
    expect(textOf(flow.step(atProvince, say("Atlantis"), ctx()))).toContain("No province or city «Atlantis»");
    const several = flow.step(atProvince, say("an"), ctx());
    expect(several.state?.step).toBe("province");
    expect(buttons(several).length).toBeGreaterThan(1);
  });
});

describe("check-in input without a flow", () => {
  const c = ctx();
  it.each([
    [press("checkin:out:42"), { effects: [{ type: "checkpoint.checkout", visitId: 42 }] }],
    [
      { kind: "photo", fileRef: "f1", size: 1000 } as Input,
      { effects: [{ type: "checkpoint.photo", fileRef: "f1", size: 1000 }] },
    ],
    [
      { kind: "document", fileRef: "f2", mimeType: "image/jpeg", size: 5 } as Input,
      { effects: [{ type: "checkpoint.photo", fileRef: "f2", size: 5 }] },
    ],
  ])("%j", (input, want) => {
    expect(checkinIdle(input, c)).toMatchObject({ state: null, ...want });
  });

  it("answers a PDF, and leaves other text and files to others", () => {
    const pdf = checkinIdle(
      { kind: "document", fileRef: "f", fileName: "a.pdf", mimeType: "application/pdf" },
      c,
    );
    expect(textOf(pdf!)).toContain("This is a PDF file");
    expect(checkinIdle(say("hello there"), c)).toBeNull();
    expect(
      checkinIdle({ kind: "document", fileRef: "f", fileName: "list.csv", mimeType: "text/csv" }, c),
    ).toBeNull();
    expect(checkinIdle(press("declaration:confirm"), c)).toBeNull();
  });

  it("sends someone who has not declared to the declaration, and comes back to check in", () => {
    const flow = createCheckinFlow({ cap: 30, timeZone: "Asia/Ho_Chi_Minh", notes: [] });
    const r = flow.start(
      { ...ctx({ checkpoint: { id: 3, name: "Chợ" }, method: "link", declared: false }) },
      "cp_x",
    );
    expect(r.next).toEqual({ flow: "declaration", payload: "checkin cp_x" });
    const ok = flow.start(
      { ...ctx({ checkpoint: { id: 3, name: "Chợ", stayMinutes: 60 }, method: "code", declared: true }) },
      "sc_X",
    );
    expect(ok.effects).toEqual([
      {
        type: "checkpoint.checkin",
        checkpointId: 3,
        name: "Chợ",
        stayMinutes: 60,
        method: "code",
        notes: [],
      },
    ]);
  });
});

describe("the manager's buttons", () => {
  it("turn into effects whose services check the role", () => {
    expect(visitorsMenu(press("visitors:x:5:7"), ctx())?.effects).toEqual([
      { type: "checkpoint.export", checkpointId: 5, from: "2021-08-08", to: "2021-08-14" },
    ]);
    expect(visitorsMenu(press("visitors:rotok:5"), ctx())?.effects).toEqual([
      { type: "checkpoint.rotate", checkpointId: 5 },
    ]);
    expect(visitorsMenu(press("visitors:x:5:3"), ctx())).toBeNull();
    expect(visitorsMenu(press("visitors:delete:5"), ctx())).toBeNull();
  });
});

describe("/scan", () => {
  const flow = createScanFlow();
  it("goes straight to scanning with one checkpoint, and checks in by name and phone", () => {
    const started = flow.start(ctx([{ id: 4, name: "Cổng A" }]), "");
    expect(started.state).toMatchObject({ step: "scan", data: { checkpointId: 4 } });
    const photo = flow.step(started.state!, { kind: "photo", fileRef: "p" }, ctx());
    expect(photo.effects).toEqual([{ type: "checkpoint.staffPhoto", checkpointId: 4, fileRef: "p" }]);
    const name = flow.step(started.state!, press("scan:manual"), ctx());
    const phone = flow.step(name.state!, say("Phạm Văn Bình"), ctx());
    expect(textOf(flow.step(phone.state!, say("12"), ctx()))).toContain("not valid");
    const done = flow.step(phone.state!, say("0987000333"), ctx());
    expect(done.state?.step).toBe("scan");
    expect(done.effects).toEqual([
      { type: "checkpoint.staffManual", checkpointId: 4, name: "Phạm Văn Bình", phone: "+84987000333" },
    ]);
    expect(flow.start(ctx([]), "").state).toBeNull();
  });
});
