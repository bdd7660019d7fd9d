import { describe, expect, it } from "vitest";
import { CHECKPOINT_KINDS } from "../../../bot/features/checkpoint/checkpoints.js";
import {
  checkinOptions,
  registerOptions,
  scanOptions,
  visitorsOptions,
} from "../../../bot/features/checkpoint/options.js";
import { communeIds, provinceIds, STAY_PRESETS } from "../../../bot/features/checkpoint/register-state.js";
import { answerProvince, provinceButtons } from "../../../bot/shared/place-picker.js";
import { PROVINCES } from "../../../bot/shared/provinces.js";

const press = (data: string) => ({ kind: "option" as const, data });

describe("checkpoint registration button ids", () => {
  it("keep the strings sent before the codec", () => {
    expect(registerOptions.build("parent", "none")).toBe("checkpoint:parent:none");
    expect(registerOptions.build("parent", "9")).toBe("checkpoint:parent:9");
    expect(registerOptions.build("phone", "mine")).toBe("checkpoint:phone:mine");
    expect(registerOptions.build("stay", 30)).toBe("checkpoint:stay:30");
    expect(registerOptions.build("confirm")).toBe("checkpoint:confirm");
    expect(provinceIds.build("01")).toBe("checkpoint:prov:01");
    expect(communeIds.build("more")).toBe("checkpoint:comm:more");
    expect(scanOptions.build("app")).toBe("scan:app");
  });

  it("round-trip every kind, stay preset and province", () => {
    for (const k of CHECKPOINT_KINDS)
      expect(registerOptions.match(registerOptions.build("kind", k), "kind")).toEqual([k]);
    for (const m of STAY_PRESETS)
      expect(registerOptions.match(registerOptions.build("stay", m), "stay")).toEqual([m]);
    const buttons = provinceButtons(provinceIds).flat();
    expect(buttons).toHaveLength(PROVINCES.length);
    for (const b of buttons) {
      const chosen = answerProvince(press(b.id), provinceIds);
      expect(chosen.kind === "chosen" && `checkpoint:prov:${chosen.province.code}`).toBe(b.id);
    }
  });

  it("keep the province and commune pickers apart", () => {
    expect(provinceIds.read(press("checkpoint:prov:01"))).toBe("01");
    expect(communeIds.read(press("checkpoint:prov:01"))).toBeUndefined();
    expect(provinceIds.read(press("invite:prov:01"))).toBeUndefined();
    expect(answerProvince(press("checkpoint:prov:99"), provinceIds).kind).toBe("stale");
  });

  it("refuse garbled and foreign ids", () => {
    for (const bad of [
      "checkpoint:stay",
      "checkpoint:stay:30m",
      "checkpoint:stay:-30",
      "checkpoint:parent",
      "checkpoint:parent:1:2",
      "checkpoint:confirm:yes",
      "checkpoint:prov:0 1",
      "checkin:out:3",
      "checkpoint",
    ])
      expect(registerOptions.parse(bad), bad).toBeNull();
    expect(checkinOptions.parse("checkpoint:stay:30")).toBeNull();
    expect(visitorsOptions.parse("checkpoint:confirm")).toBeNull();
    expect(scanOptions.parse("scan:app:1")).toBeNull();
  });
});
