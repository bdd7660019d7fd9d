import { describe, expect, it } from "vitest";
import {
  type PlanWords,
  planReplies,
  type SendStep,
  splitText,
} from "../../../bot/channels/zalo/messages.js";
import type { Option } from "../../../bot/core/types.js";

const words: PlanWords = { moreOptions: "More:", documentUnavailable: (f) => `no ${f}` };
const opts = (n: number): Option[][] => [
  Array.from({ length: n }, (_, i) => ({ id: `f:${i}`, label: `L${i}` })),
];
const messages = (steps: SendStep[]) => steps.map((s) => (s.kind === "message" ? s.message : s.kind));

describe("the engine's replies as Zalo messages", () => {
  it("sends a link option (the web declaration) as a button that opens the address", () => {
    const url = "https://bot.example.org/app/#t=abc.def";
    const [step] = planReplies(
      [{ kind: "text", text: "Open", options: [[{ id: "declaration:web", label: "Page", url }]] }],
      words,
    );
    expect(step).toEqual({
      kind: "message",
      message: {
        text: "Open",
        attachment: {
          type: "template",
          payload: { buttons: [{ type: "oa.open.url", title: "Page", payload: { url } }] },
        },
      },
    });
  });

  it("sends text as it is and options as query buttons carrying the option id", () => {
    expect(messages(planReplies([{ kind: "text", text: "Hi" }], words))).toEqual([{ text: "Hi" }]);
    const [step] = planReplies(
      [{ kind: "text", text: "Pick", options: [[{ id: "lang:vi", label: "Tiếng Việt" }]] }],
      words,
    );
    expect(step).toEqual({
      kind: "message",
      message: {
        text: "Pick",
        attachment: {
          type: "template",
          payload: { buttons: [{ type: "oa.query.hide", title: "Tiếng Việt", payload: "#o:lang:vi" }] },
        },
      },
    });
  });

  it("puts five buttons to a message, the rest under a short follow-up", () => {
    const out = messages(planReplies([{ kind: "text", text: "Pick", options: opts(7) }], words));
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ text: "Pick" });
    expect(
      (out[0] as { attachment: { payload: { buttons: unknown[] } } }).attachment.payload.buttons,
    ).toHaveLength(5);
    expect(out[1]).toMatchObject({
      text: "More:",
      attachment: { payload: { buttons: [{ title: "L5" }, { title: "L6" }] } },
    });
  });

  it("splits text over 2,000 characters at a line break, with the buttons under the last piece", () => {
    const text = `${"a".repeat(1500)}\n${"b".repeat(1000)}`;
    const out = messages(planReplies([{ kind: "text", text, options: opts(1) }], words));
    expect(out.map((m) => (m as { text: string }).text)).toEqual(["a".repeat(1500), "b".repeat(1000)]);
    expect(out[1]).toHaveProperty("attachment");
    expect(splitText("x".repeat(4500))).toEqual(["x".repeat(2000), "x".repeat(2000), "x".repeat(500)]);
  });

  it("clips a long button title", () => {
    const [step] = planReplies(
      [{ kind: "text", text: "t", options: [[{ id: "f:1", label: "é".repeat(150) }]] }],
      words,
    );
    const title = (step as { message: { attachment: { payload: { buttons: { title: string }[] } } } }).message
      .attachment.payload.buttons[0]?.title;
    expect(Array.from(title ?? "")).toHaveLength(100);
    expect(title?.endsWith("…")).toBe(true);
  });

  it("asks for the phone with a request_user_info card", () => {
    const out = messages(
      planReplies([{ kind: "text", text: "Press to share", requestContact: "📱 Share" }], words),
    );
    expect(out).toEqual([
      {
        attachment: {
          type: "template",
          payload: {
            template_type: "request_user_info",
            elements: [{ title: "📱 Share", subtitle: "Press to share" }],
          },
        },
      },
    ]);
  });

  it("uploads a photo and sends it with its caption and buttons", () => {
    const png = new Uint8Array([1, 2, 3]);
    const steps = planReplies(
      [{ kind: "photo", png, caption: "Your QR", options: opts(6), fileName: "qr.png" }],
      words,
    );
    expect(steps[0]).toMatchObject({ kind: "image", png, fileName: "qr.png", text: "Your QR" });
    expect((steps[0] as { buttons: unknown[] }).buttons).toHaveLength(5);
    expect(steps[1]).toMatchObject({ kind: "message", message: { text: "More:" } });
  });

  it("uploads PDF, DOC, DOCX and CSV documents and explains any other kind", () => {
    const bytes = new Uint8Array(10);
    const doc = (fileName: string, mimeType: string) =>
      planReplies([{ kind: "document", bytes, fileName, mimeType, caption: "Log" }], words);
    expect(doc("visits.csv", "text/csv").map((s) => s.kind)).toEqual(["message", "file"]);
    expect(doc("cert.pdf", "application/pdf")[1]).toMatchObject({ kind: "file", fileName: "cert.pdf" });
    expect(doc("visits.xlsx", "application/vnd.ms-excel")).toEqual([
      { kind: "message", message: { text: "Log" } },
      { kind: "message", message: { text: "no visits.xlsx" } },
    ]);
    const big = planReplies(
      [
        {
          kind: "document",
          bytes: new Uint8Array(6 * 1024 * 1024),
          fileName: "a.pdf",
          mimeType: "application/pdf",
        },
      ],
      words,
    );
    expect(big).toEqual([{ kind: "message", message: { text: "no a.pdf" } }]);
  });
});
