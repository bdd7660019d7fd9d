import { describe, expect, it } from "vitest";
import { optionCodec } from "../../../bot/core/options.js";
import {
  answerCommune,
  answerProvince,
  communeButtons,
  PAGE_SIZE,
  pickerIds,
  provinceButtons,
} from "../../../bot/shared/place-picker.js";
import { stepContext } from "../../support/context.js";

const codec = optionCodec("demo", { prov: ["str"], comm: ["str"], ok: [] });
const provinces = pickerIds(codec, "prov");
const communes = pickerIds(codec, "comm");
const press = (data: string) => ({ kind: "option" as const, data });
const ctx = stepContext({ lang: "en" });

const list = {
  matches: Array.from({ length: PAGE_SIZE + 2 }, (_, i) => ({ code: `1000${i}`, name: `Commune ${i}` })),
  page: 0,
};

describe("place picker ids", () => {
  it("are the asking flow's codec ids, one action per picker", () => {
    expect(provinces.build("01")).toBe("demo:prov:01");
    expect(communes.build("more")).toBe("demo:comm:more");
    expect(communes.read(press("demo:comm:10003"))).toBe("10003");
    expect(communes.read(press("demo:prov:01"))).toBeUndefined();
    expect(communes.read(press("demo:ok"))).toBeUndefined();
    expect(communes.read(press("other:comm:10003"))).toBeUndefined();
    expect(communes.read({ kind: "text", text: "demo:comm:10003" })).toBeUndefined();
  });

  it("take back what their buttons offered, and nothing else", () => {
    const shown = communeButtons(list, communes, ctx).flat();
    expect(shown.map((b) => b.id)).toEqual([
      ...list.matches.slice(0, PAGE_SIZE).map((m) => `demo:comm:${m.code}`),
      "demo:comm:more",
    ]);
    expect(answerCommune(press(shown[2]!.id), communes, list, undefined)).toEqual({
      kind: "chosen",
      commune: list.matches[2],
    });
    expect(answerCommune(press("demo:comm:more"), communes, list, undefined)).toEqual({
      kind: "list",
      list: { ...list, page: 1 },
      edit: true,
    });
    // A commune that is no longer on screen, a garbled id, another picker's button.
    expect(answerCommune(press("demo:comm:99999"), communes, list, undefined).kind).toBe("stale");
    expect(answerCommune(press("demo:comm:1 2"), communes, list, undefined).kind).toBe("other");
    expect(answerCommune(press("demo:prov:01"), communes, list, undefined).kind).toBe("other");

    const first = provinceButtons(provinces).flat()[0]!;
    expect(answerProvince(press(first.id), provinces).kind).toBe("chosen");
    expect(answerProvince(press(first.id.replace("demo:prov", "demo:comm")), provinces).kind).toBe("other");
  });
});
