import { describe, expect, it } from "vitest";
import { textInput, toZaloEvent, zaloPhone } from "../../../bot/channels/zalo/events.js";

const TS = "1764126000000";
const from = (event_name: string, extra: Record<string, unknown> = {}) => ({
  app_id: "1",
  sender: { id: "u1" },
  recipient: { id: "oa9" },
  event_name,
  timestamp: TS,
  ...extra,
});

describe("Zalo events as the engine's input", () => {
  it.each([
    [
      "a follow runs /start",
      { event_name: "follow", oa_id: "oa9", follower: { id: "u1" }, timestamp: TS },
      { kind: "command", command: "start", payload: "" },
    ],
    [
      "text",
      from("user_send_text", { message: { msg_id: "m1", text: "xin chào" } }),
      { kind: "text", text: "xin chào" },
    ],
    [
      "a pressed query button",
      from("user_send_text", { message: { msg_id: "m1", text: "#o:language:vi" } }),
      { kind: "option", data: "language:vi" },
    ],
    [
      "a command with a payload",
      from("user_send_text", { message: { msg_id: "m1", text: "/Start cp_ABC" } }),
      { kind: "command", command: "start", payload: "cp_ABC" },
    ],
    [
      "a photo",
      from("user_send_image", {
        message: {
          msg_id: "m1",
          attachments: [{ type: "image", payload: { thumbnail: "https://t", url: "https://cdn/p.jpg" } }],
        },
      }),
      { kind: "photo", fileRef: "https://cdn/p.jpg" },
    ],
    [
      "a photo without a URL",
      from("user_send_image", { message: { msg_id: "m1" } }),
      { kind: "unsupported", what: "image" },
    ],
    [
      "a file",
      from("user_send_file", {
        message: {
          msg_id: "m1",
          attachments: [
            { type: "file", payload: { url: "https://cdn/l.csv", name: "l.csv", size: "120", type: "csv" } },
          ],
        },
      }),
      { kind: "document", fileRef: "https://cdn/l.csv", fileName: "l.csv", mimeType: "csv", size: 120 },
    ],
    [
      "a location",
      from("user_send_location", {
        message: {
          msg_id: "m1",
          attachments: [
            { type: "location", payload: { coordinates: { latitude: "21.03", longitude: "105.85" } } },
          ],
        },
      }),
      { kind: "location", latitude: 21.03, longitude: 105.85 },
    ],
    [
      "a sticker",
      from("user_send_sticker", {
        message: { msg_id: "m1", attachments: [{ type: "sticker", payload: { id: "3" } }] },
      }),
      { kind: "unsupported", what: "sticker" },
    ],
    [
      "shared info: the account's own phone",
      from("user_submit_info", { info: { name: "A", phone: "84912345678" } }),
      { kind: "contact", phone: "+84912345678", own: true },
    ],
    [
      "shared info without a phone",
      from("user_submit_info", { info: { name: "A" } }),
      { kind: "unsupported", what: "user_info" },
    ],
  ])("%s", (_name, body, input) => {
    expect(toZaloEvent(body)).toMatchObject({ userId: "u1", input });
  });

  it.each([
    ["our own message echoed", { ...from("oa_send_text"), sender: { id: "oa9" }, recipient: { id: "u1" } }],
    ["an unfollow", { event_name: "unfollow", follower: { id: "u1" }, timestamp: TS }],
    ["a group message", from("user_send_group_text", { message: { msg_id: "m1", text: "hi" } })],
    ["a read receipt", from("user_seen_message", { message: { msg_ids: ["m1"] } })],
    ["no sender", { event_name: "user_send_text", message: { text: "hi" } }],
    ["not an event", "hello"],
  ])("ignores %s", (_name, body) => {
    expect(toZaloEvent(body)).toBeNull();
  });

  it("keys deliveries by msg_id, or by event, user and time when there is none", () => {
    expect(toZaloEvent(from("user_send_text", { message: { msg_id: "abc", text: "x" } }))?.updateId).toBe(
      "m:abc",
    );
    expect(toZaloEvent(from("user_submit_info", { info: { phone: "84912345678" } }))?.updateId).toBe(
      `e:user_submit_info:u1:${TS}`,
    );
    expect(toZaloEvent(from("user_send_text", { message: { text: "x" } }))).toMatchObject({
      at: new Date(Number(TS)),
      oaId: "oa9",
    });
  });

  it("reads shared phone numbers as Zalo writes them", () => {
    expect(zaloPhone("84912345678")).toBe("+84912345678");
    expect(zaloPhone("0912 345 678")).toBe("+84912345678");
    expect(zaloPhone("+44 7911 123456")).toBe("+447911123456");
  });

  it("reads typed text", () => {
    expect(textInput("/help")).toEqual({ kind: "command", command: "help", payload: "" });
    expect(textInput("/lang@bot")).toEqual({ kind: "command", command: "lang", payload: "" });
    expect(textInput("1/2 dose")).toEqual({ kind: "text", text: "1/2 dose" });
    expect(textInput("#o:")).toEqual({ kind: "option", data: "" });
  });
});
