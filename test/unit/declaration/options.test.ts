import { describe, expect, it } from "vitest";
import { OPTION_ID_MAX_BYTES } from "../../../bot/core/options.js";
import { RELATIONS } from "../../../bot/features/declaration/family-flow.js";
import { FORM } from "../../../bot/features/declaration/form.js";
import {
  answerIds,
  declarationOptions,
  familyOptions,
  pressedValue,
} from "../../../bot/features/declaration/options.js";
import { answerCommune, communeButtons } from "../../../bot/shared/place-picker.js";
import { PROVINCES } from "../../../bot/shared/provinces.js";
import { stepContext } from "../../support/context.js";

const press = (data: string) => ({ kind: "option" as const, data });

/** Every answer and tick button the form can show: question, action, value. */
function formButtons(): [string, "a" | "t", string][] {
  return FORM.flatMap((q): [string, "a" | "t", string][] => {
    switch (q.type) {
      case "choice":
        return q.options.map((o) => [q.id, "a", o.value]);
      case "multi":
        return q.options.map((o) => [q.id, "t", o.value]);
      case "toggles":
        return q.items.map((i) => [q.id, "t", i]);
      case "province":
        return PROVINCES.map((p) => [q.id, "a", p.code]);
      case "commune":
        return [
          [q.id, "a", "00004"],
          [q.id, "a", "more"],
        ];
      default:
        return [];
    }
  });
}

describe("declaration button ids", () => {
  it("keep the strings sent before the codec (older messages' buttons still work)", () => {
    expect(declarationOptions.build("a", "gender", "male")).toBe("declaration:a:gender:male");
    expect(declarationOptions.build("t", "symptoms", "fever")).toBe("declaration:t:symptoms:fever");
    expect(declarationOptions.build("edit", "street")).toBe("declaration:edit:street");
    expect(declarationOptions.build("same", "yes")).toBe("declaration:same:yes");
    expect(declarationOptions.build("resume", "go")).toBe("declaration:resume:go");
    expect(declarationOptions.build("confirm")).toBe("declaration:confirm");
    expect(familyOptions.build("decl", 12)).toBe("family:decl:12");
    expect(familyOptions.build("rel", "grandparent")).toBe("family:rel:grandparent");
  });

  it("fit every button of the form in 64 bytes and read back as the same question and value", () => {
    const buttons = formButtons();
    expect(buttons.length).toBeGreaterThan(60);
    for (const [question, action, value] of buttons) {
      const id = declarationOptions.build(action, question, value);
      expect(Buffer.byteLength(id), id).toBeLessThanOrEqual(OPTION_ID_MAX_BYTES);
      expect(pressedValue(press(id), action, question), id).toBe(value);
    }
    for (const q of FORM)
      expect(declarationOptions.match(declarationOptions.build("edit", q.id), "edit")).toEqual([q.id]);
  });

  it("give a question only its own answers", () => {
    const male = press("declaration:a:gender:male");
    expect(pressedValue(male, "a", "gender")).toBe("male");
    expect(pressedValue(male, "a", "nationality")).toBeUndefined();
    expect(pressedValue(male, "t", "gender")).toBeUndefined();
    expect(pressedValue({ kind: "text", text: "declaration:a:gender:male" }, "a", "gender")).toBeUndefined();
  });

  it("refuse garbled and foreign ids", () => {
    for (const bad of [
      "declaration:a:gender",
      "declaration:a:gender:male:x",
      "declaration:a:gender:ma le",
      "declaration:edit",
      "declaration:confirm:1",
      "declaration:same",
      "declaration:nope",
      "declaration",
      "family:add",
      "checkpoint:prov:01",
      "",
    ])
      expect(declarationOptions.parse(bad), bad).toBeNull();
    for (const bad of [
      "family:decl",
      "family:decl:x",
      "family:decl:-1",
      "family:rel",
      "family:add:1",
      "declaration:add",
    ])
      expect(familyOptions.parse(bad), bad).toBeNull();
  });

  it("/family: a dependent's buttons carry the person and every relation round-trips", () => {
    for (const action of ["decl", "qr", "rm"] as const)
      expect(familyOptions.match(familyOptions.build(action, 123), action)).toEqual([123]);
    for (const r of RELATIONS) expect(familyOptions.match(familyOptions.build("rel", r), "rel")).toEqual([r]);
  });

  it("hand the commune question's picker buttons back as that question's answers", () => {
    const matches = Array.from({ length: 8 }, (_, i) => ({ code: `0000${i}`, name: `X${i}` }));
    const list = { matches, page: 0 };
    const ids = answerIds("commune");
    const buttons = communeButtons(list, ids, stepContext({ lang: "en" })).flat();
    expect(buttons.map((b) => b.id)).toContain("declaration:a:commune:00003");
    expect(buttons.at(-1)?.id).toBe("declaration:a:commune:more");
    expect(answerCommune(press("declaration:a:commune:00003"), ids, list, undefined)).toEqual({
      kind: "chosen",
      commune: { code: "00003", name: "X3" },
    });
    expect(answerCommune(press("declaration:a:commune:more"), ids, list, undefined)).toMatchObject({
      kind: "list",
      edit: true,
    });
    // Another question's answer is not a commune.
    expect(answerCommune(press("declaration:a:province:01"), ids, list, undefined).kind).toBe("other");
  });
});
