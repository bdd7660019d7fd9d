import { describe, expect, it } from "vitest";
import { createLanguageFlow } from "../../../bot/features/account/language-flow.js";
import { createRegistrationFlow } from "../../../bot/features/account/registration-flow.js";
import { stepContext } from "../../support/context.js";

const language = createLanguageFlow();
const registration = createRegistrationFlow();

describe("language flow", () => {
  it("offers Tiếng Việt first, each language named in itself", () => {
    const { replies } = language.start(stepContext({ lang: "en" }), "");
    const r = replies[0];
    expect(r?.kind === "text" && r.options?.[0]?.map((o) => o.label)).toEqual(["Tiếng Việt", "English"]);
  });

  it("leads an unregistered person into registration, carrying where they were going", () => {
    const ctx = stepContext();
    const started = language.start(ctx, "checkin cp_abc");
    const result = language.step(started.state!, { kind: "option", data: "language:en" }, ctx);
    expect(result.state).toBeNull();
    expect(result.effects).toEqual([{ type: "account.setLang", lang: "en" }]);
    expect(result.next).toEqual({ flow: "registration", payload: "checkin cp_abc" });
    expect(result.replies[0]).toMatchObject({ text: "English selected." });
  });

  it.each(["2", "English", "en"])("understands the typed answer %s", (typed) => {
    const ctx = stepContext({ user: { phone: "+84912345678" } });
    const result = language.step(language.start(ctx, "").state!, { kind: "text", text: typed }, ctx);
    expect(result.effects).toEqual([{ type: "account.setLang", lang: "en" }]);
    expect(result.next).toBeUndefined();
  });

  it("asks again on anything else", () => {
    const ctx = stepContext();
    const state = language.start(ctx, "").state!;
    const result = language.step(state, { kind: "text", text: "xin chào" }, ctx);
    expect(result.state).toEqual(state);
    expect(result.replies).toHaveLength(2);
  });
});

describe("registration flow", () => {
  const ctx = stepContext();
  const state = registration.start(ctx, "").state!;

  it("asks for the phone with a contact button", () => {
    expect(registration.start(ctx, "").replies[0]).toMatchObject({
      requestContact: "📱 Chia sẻ số điện thoại",
    });
  });

  it("stores the sender's own number in E.164", () => {
    const result = registration.step(state, { kind: "contact", phone: "84912345678", own: true }, ctx);
    expect(result.state).toBeNull();
    expect(result.effects).toEqual([{ type: "account.setPhone", phone: "+84912345678" }]);
    expect(result.replies[0]).toMatchObject({ removeKeyboard: true });
    expect(result.replies[0]?.kind === "text" && result.replies[0].text).toContain("0912 345 678");
  });

  it("refuses someone else's contact and asks again", () => {
    const result = registration.step(state, { kind: "contact", phone: "84912345678", own: false }, ctx);
    expect(result.state).toEqual(state);
    expect(result.effects).toBeUndefined();
    expect(result.replies.map((r) => r.kind === "text" && r.text)[0]).toContain("người khác");
  });

  it("refuses a typed number on Telegram but takes it in the terminal", () => {
    const typed = registration.step(state, { kind: "text", text: "0912 345 678" }, ctx);
    expect(typed.effects).toBeUndefined();
    const terminal = stepContext({ channel: "terminal" });
    const ok = registration.step(state, { kind: "contact", phone: "0912 345 678", own: true }, terminal);
    expect(ok.effects).toEqual([{ type: "account.setPhone", phone: "+84912345678" }]);
  });

  it("continues to the flow the person was heading for", () => {
    const s = registration.start(ctx, "checkin cp_abc").state!;
    const result = registration.step(s, { kind: "contact", phone: "+84912345678", own: true }, ctx);
    expect(result.next).toEqual({ flow: "checkin", payload: "cp_abc" });
  });
});
