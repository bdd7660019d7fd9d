import { createHash, randomBytes } from "node:crypto";
import type { FakeZalo } from "./server.js";

export interface PostOptions {
  /** Sign with this key instead of the OA's webhook secret (a forged delivery). */
  secret?: string;
  /** Send no signature header at all. */
  unsigned?: boolean;
  /** The event's timestamp (default now). */
  at?: Date;
}

export interface Delivery {
  status: number;
  body: string;
  /** The exact bytes posted, to post again (a replay). */
  raw: string;
  headers: Record<string, string>;
}

/** sha256(appId + body + timestamp + secret), as Zalo signs a webhook. */
export function signZaloEvent(appId: string, raw: string, timestamp: string, secret: string): string {
  return createHash("sha256").update(`${appId}${raw}${timestamp}${secret}`).digest("hex");
}

export const newMsgId = () => randomBytes(10).toString("hex");

/** Posts signed events to the bot's webhook as Zalo does, recording each user's interaction. */
export class WebhookPoster {
  constructor(
    readonly fake: FakeZalo,
    readonly url: string,
  ) {}

  private envelope(name: string, userId: string, at: Date, extra: Record<string, unknown>) {
    const sender = name === "follow" ? { follower: { id: userId } } : { sender: { id: userId } };
    return {
      app_id: this.fake.appId,
      ...(name === "follow" ? { oa_id: this.fake.oaId } : { recipient: { id: this.fake.oaId } }),
      ...sender,
      user_id_by_app: `app_${userId}`,
      event_name: name,
      ...extra,
      timestamp: String(at.getTime()),
    };
  }

  async event(name: string, userId: string, extra: Record<string, unknown> = {}, o: PostOptions = {}) {
    const at = o.at ?? new Date();
    if (name === "follow" || name.startsWith("user_")) this.fake.interactions.set(userId, at);
    return this.postRaw(JSON.stringify(this.envelope(name, userId, at, extra)), String(at.getTime()), o);
  }

  /** Posts bytes as they are, signed over exactly these bytes. */
  async postRaw(raw: string, timestamp: string, o: PostOptions = {}): Promise<Delivery> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (!o.unsigned) {
      const mac = signZaloEvent(this.fake.appId, raw, timestamp, o.secret ?? this.fake.webhookSecret);
      headers["x-zevent-signature"] = `mac=${mac}`;
    }
    return this.replay({ status: 0, body: "", raw, headers });
  }

  /** Delivers the same request again, byte for byte. */
  async replay(d: Delivery): Promise<Delivery> {
    const res = await fetch(this.url, { method: "POST", headers: d.headers, body: d.raw });
    return { status: res.status, body: await res.text(), raw: d.raw, headers: d.headers };
  }

  follow = (userId: string, o?: PostOptions) => this.event("follow", userId, { source: "oa_profile" }, o);

  text = (userId: string, text: string, o: PostOptions & { msgId?: string } = {}) =>
    this.event("user_send_text", userId, { message: { text, msg_id: o.msgId ?? newMsgId() } }, o);

  image = (userId: string, url: string, o: PostOptions & { msgId?: string } = {}) =>
    this.event(
      "user_send_image",
      userId,
      {
        message: {
          msg_id: o.msgId ?? newMsgId(),
          text: "",
          attachments: [{ type: "image", payload: { thumbnail: url, url } }],
        },
      },
      o,
    );

  sticker = (userId: string, o: PostOptions = {}) =>
    this.event(
      "user_send_sticker",
      userId,
      {
        message: {
          msg_id: newMsgId(),
          attachments: [{ type: "sticker", payload: { id: "1", url: "https://s" } }],
        },
      },
      o,
    );

  /** The answer to a request_user_info template: Zalo sends the account's own number (84…). */
  submitInfo = (userId: string, phone: string, o: PostOptions = {}) =>
    this.event(
      "user_submit_info",
      userId,
      { info: { name: "Người dùng Zalo", phone, address: "", city: "", district: "" } },
      o,
    );
}
