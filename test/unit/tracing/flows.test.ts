import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { localesDir } from "../../../bot/core/i18n.js";
import type { Input, Reply, StepContext, StepResult } from "../../../bot/core/types.js";
import { auditMenu, createAuditFlow, readAuditArgs } from "../../../bot/features/tracing/audit-flow.js";
import { createFollowUpFlow } from "../../../bot/features/tracing/followup-flow.js";
import { createInviteFlow } from "../../../bot/features/tracing/invite-flow.js";
import { createStatsFlow, statsMenu } from "../../../bot/features/tracing/stats-flow.js";
import {
  createTraceFlow,
  FOLLOW_UP_CODES,
  readWho,
  traceButtons,
  traceMenu,
} from "../../../bot/features/tracing/trace-flow.js";
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

describe("reading who to trace", () => {
  it.each([
    ["0912 345 678", { by: "phone", value: "+84912345678" }],
    ["0912.345.678", { by: "phone", value: "+84912345678" }],
    ["+84912345678", { by: "phone", value: "+84912345678" }],
    ["84912345678", { by: "phone", value: "+84912345678" }],
    ["001090012345", { by: "id", value: "001090012345" }],
    ["012 345 678", { by: "id", value: "012345678" }],
    ["Nguyễn Văn An", null],
    ["12345", null],
    ["0900000000000000", null],
  ])("%s", (typed, want) => {
    expect(readWho(typed)).toEqual(want);
  });
});

describe("/trace", () => {
  const flow = createTraceFlow();

  it("is for officials only", () => {
    expect(textOf(flow.start(ctx({ officer: false }), ""))).toContain("for health officials");
  });

  it("asks who, with the period as buttons (14 days by default), and runs the trace", () => {
    const started = flow.start(ctx({ officer: true }), "");
    expect(textOf(started)).toContain("last 14 days");
    expect(buttons(started)).toEqual(["trace:days:7", "trace:days:14", "trace:days:21"]);
    const week = flow.step(started.state!, press("trace:days:7"), ctx());
    expect(week.state?.data.days).toBe(7);
    expect(week.replies[0]).toMatchObject({ kind: "text", edit: true });
    const run = flow.step(week.state!, say("0912345678"), ctx());
    expect(run.state).toBeNull();
    expect(run.effects).toEqual([
      { type: "tracing.run", who: { by: "phone", value: "+84912345678" }, days: 7 },
    ]);
    const photo = flow.step(started.state!, { kind: "photo", fileRef: "f1", size: 9 }, ctx());
    expect(photo.effects).toEqual([
      { type: "tracing.run", who: { by: "photo", value: "f1", size: 9 }, days: 14 },
    ]);
  });

  it("keeps asking after something that names nobody, and accepts /trace <phone> at once", () => {
    const started = flow.start(ctx({ officer: true }), "");
    const bad = flow.step(started.state!, say("the tall man"), ctx());
    expect(bad.state).toEqual(started.state);
    expect(textOf(bad)).toContain("neither a phone number nor an ID number");
    const direct = flow.start(ctx({ officer: true }), "001090012345");
    expect(direct.effects).toEqual([
      { type: "tracing.run", who: { by: "id", value: "001090012345" }, days: 14 },
    ]);
  });
});

describe("the buttons under a trace", () => {
  it("ask before notifying or marking F0, then act; cancel does nothing", () => {
    const notify = traceMenu(press("trace:notify:12"), ctx())!;
    expect(buttons(notify)).toEqual(["trace:notifyok:12", "trace:no:12"]);
    expect(notify.effects).toBeUndefined();
    expect(traceMenu(press("trace:notifyok:12"), ctx())?.effects).toEqual([
      { type: "tracing.notify", traceId: 12 },
    ]);
    expect(buttons(traceMenu(press("trace:f0:12"), ctx())!)).toEqual(["trace:f0ok:12", "trace:no:12"]);
    expect(traceMenu(press("trace:f0ok:12"), ctx())?.effects).toEqual([
      { type: "tracing.confirm", traceId: 12 },
    ]);
    expect(traceMenu(press("trace:no:12"), ctx())?.effects).toBeUndefined();
  });

  it("enroll in a new or a chosen group, list contacts and record their follow-up", () => {
    expect(traceMenu(press("trace:en:3"), ctx())?.effects).toEqual([
      { type: "tracing.enroll", traceId: 3, groupId: null },
    ]);
    expect(traceMenu(press("trace:eg:3:7"), ctx())?.effects).toEqual([
      { type: "tracing.enroll", traceId: 3, groupId: 7 },
    ]);
    for (const [code, status] of Object.entries(FOLLOW_UP_CODES))
      expect(traceMenu(press(`trace:fs:9:${code}`), ctx())?.effects).toEqual([
        { type: "tracing.followUp", contactId: 9, status },
      ]);
    expect(traceMenu(press("trace:fs:9:cured"), ctx())).toBeNull();
    expect(traceMenu(press("visitors:view:1"), ctx())).toBeNull();
  });

  it("fit Telegram's 64-byte callback data even with large ids", () => {
    const ids = traceButtons(999_999_999_999_999, ctx())
      .flat()
      .map((o) => o.id);
    for (const id of [...ids, "trace:fs:999999999999999:signs", "trace:eg:999999999999999:999999999999999"])
      expect(Buffer.byteLength(id)).toBeLessThanOrEqual(64);
  });
});

describe("/followup, /stats and /audit", () => {
  it("/followup takes the contact's short id", () => {
    const flow = createFollowUpFlow();
    expect(flow.start(ctx(), "#42").effects).toEqual([{ type: "tracing.followUpShow", contactId: 42 }]);
    expect(textOf(flow.start(ctx(), "Lan"))).toContain("/followup 123");
  });

  it("/stats offers periods and runs on a press, or at once with a number", () => {
    const flow = createStatsFlow();
    const started = flow.start(ctx({ officer: true }), "");
    expect(buttons(started)).toEqual(["stats:7", "stats:14", "stats:30"]);
    expect(statsMenu(press("stats:14"), ctx())?.effects).toEqual([{ type: "tracing.stats", days: 14 }]);
    expect(statsMenu(press("stats:15"), ctx())).toBeNull();
    expect(flow.start(ctx({ officer: true }), "30").effects).toEqual([{ type: "tracing.stats", days: 30 }]);
  });

  it("/audit reads its filter and its export button keeps it", () => {
    expect(readAuditArgs("")).toEqual({});
    expect(readAuditArgs("actor 0912345678")).toEqual({ actor: "0912345678" });
    expect(readAuditArgs("subject #12")).toEqual({ subject: "#12" });
    expect(readAuditArgs("delete everything")).toBeNull();
    expect(createAuditFlow().start(ctx(), "actor #3").effects).toEqual([
      { type: "tracing.audit", actor: "#3" },
    ]);
    expect(auditMenu(press("audit:csv:s:#12"), ctx())?.effects).toEqual([
      { type: "tracing.audit", subject: "#12", export: true },
    ]);
  });
});

describe("every namespace's texts", () => {
  it("have the same keys in Vietnamese and English", () => {
    const keys = (lang: string, ns: string): string[] => {
      const walk = (o: Record<string, unknown>, p: string): string[] =>
        Object.entries(o).flatMap(([k, v]) =>
          v && typeof v === "object" ? walk(v as Record<string, unknown>, `${p}${k}.`) : [`${p}${k}`],
        );
      return walk(JSON.parse(readFileSync(`${localesDir}/${lang}/${ns}`, "utf8")), "").sort();
    };
    const files = readdirSync(`${localesDir}/vi`).sort();
    expect(readdirSync(`${localesDir}/en`).sort()).toEqual(files);
    for (const ns of files) expect(keys("vi", ns), ns).toEqual(keys("en", ns));
  });
});

describe("/invite", () => {
  const flow = createInviteFlow();
  const run = (inputs: [Input, unknown?][]) => {
    let r = flow.start(ctx({ admin: true }), "");
    for (const [input, loaded] of inputs) r = flow.step(r.state!, input, ctx(loaded ?? {}));
    return r;
  };

  it("is for administrators", () => {
    expect(textOf(flow.start(ctx({ admin: false }), ""))).toContain("Only administrators");
  });

  it("makes a district officer of a whole province", () => {
    const r = run([[press("invite:role:district_officer")], [say("ha noi")], [press("invite:whole")]]);
    expect(r.effects).toEqual([
      {
        type: "tracing.invite",
        role: "district_officer",
        scope: { type: "province", id: "01" },
        label: "Hà Nội",
      },
    ]);
  });

  it("makes a commune officer of a commune found by name, asking again when nothing matches", () => {
    const asked = run([[press("invite:role:commune_officer")], [say("Hà Nội")]]);
    expect(asked.state?.step).toBe("commune");
    const none = flow.step(asked.state!, say("zzz"), ctx({ matches: [], units: 126 }));
    expect(textOf(none)).toContain("no commune");
    const matches = [
      { code: "00004", name: "Phường Ba Đình" },
      { code: "00008", name: "Phường Ngọc Hà" },
    ];
    const listed = flow.step(asked.state!, say("phuong"), ctx({ matches, units: 126 }));
    expect(buttons(listed)).toEqual(["invite:comm:00004", "invite:comm:00008"]);
    const chosen = flow.step(listed.state!, press("invite:comm:00004"), ctx({ chosen: matches[0] }));
    expect(chosen.effects).toEqual([
      {
        type: "tracing.invite",
        role: "commune_officer",
        scope: { type: "commune", id: "00004" },
        label: "Phường Ba Đình",
      },
    ]);
  });

  it("says how to load the communes when the list is empty, and offers provinces that share a name", () => {
    const asked = run([[press("invite:role:commune_officer")], [say("Hà Nội")]]);
    expect(textOf(flow.step(asked.state!, say("Ba Đình"), ctx({ matches: [], units: 0 })))).toContain(
      "npm run import-units",
    );
    const several = run([[press("invite:role:commune_officer")], [say("an")]]);
    expect(buttons(several).every((b) => b.startsWith("invite:prov:"))).toBe(true);
    expect(buttons(several).length).toBeGreaterThan(1);
  });
});
