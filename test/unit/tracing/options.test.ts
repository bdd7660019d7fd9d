import { describe, expect, it } from "vitest";
import {
  auditOptions,
  inviteOptions,
  statsOptions,
  traceOptions,
} from "../../../bot/features/tracing/options.js";

describe("tracing button ids", () => {
  it("/invite keeps the strings sent before the codec", () => {
    expect(inviteOptions.build("role", "commune_officer")).toBe("invite:role:commune_officer");
    expect(inviteOptions.build("prov", "01")).toBe("invite:prov:01");
    expect(inviteOptions.build("comm", "00004")).toBe("invite:comm:00004");
    expect(inviteOptions.build("whole")).toBe("invite:whole");
    expect(inviteOptions.match("invite:role:district_officer", "role")).toEqual(["district_officer"]);
  });

  it("the trace, stats and audit buttons round-trip", () => {
    expect(traceOptions.parse(traceOptions.build("fs", 7, "ok"))).toEqual({ action: "fs", args: [7, "ok"] });
    expect(statsOptions.parse(statsOptions.build("14"))).toEqual({ action: "14", args: [] });
    expect(auditOptions.parse(auditOptions.build("csv", "a", "#12"))).toEqual({
      action: "csv",
      args: ["a", "#12"],
    });
  });

  it("refuse garbled and foreign ids", () => {
    for (const bad of [
      "invite:role",
      "invite:role:a b",
      "invite:whole:1",
      "invite:comm:1:2",
      "invite",
      "trace:f2:1",
    ])
      expect(inviteOptions.parse(bad), bad).toBeNull();
    for (const bad of ["trace:fs:7", "trace:fs:x:ok", "stats:5", "invite:whole"])
      expect(traceOptions.parse(bad) ?? statsOptions.parse(bad), bad).toBeNull();
  });
});
