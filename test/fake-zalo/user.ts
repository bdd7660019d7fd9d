import { randomInt } from "node:crypto";
import type { SentMessage } from "./server.js";
import type { Delivery, PostOptions, WebhookPoster } from "./webhook.js";

export interface ZaloButtonView {
  title: string;
  payload: string;
  type: string;
}

/** The text a person reads in a message: its text, or a request_user_info card's title and subtitle. */
export function messageText(m: SentMessage): string {
  const el = (
    m.message.attachment?.payload.elements as { title?: string; subtitle?: string }[] | undefined
  )?.[0];
  const card =
    m.message.attachment?.payload.template_type === "request_user_info" ? [el?.title, el?.subtitle] : [];
  return [m.message.text, ...card].filter(Boolean).join("\n");
}

export function buttonsOf(m: SentMessage | undefined): ZaloButtonView[] {
  return (m?.message.attachment?.payload.buttons as ZaloButtonView[] | undefined) ?? [];
}

export interface ZaloUser {
  id: string;
  /** The last webhook delivery and the bot's HTTP answer. */
  lastDelivery?: Delivery;
  follow(o?: PostOptions): Promise<SentMessage[]>;
  text(text: string, o?: PostOptions & { msgId?: string }): Promise<SentMessage[]>;
  /** Presses the newest button with this title: Zalo sends its payload back as the user's text. */
  press(title: string): Promise<SentMessage[]>;
  image(url: string, o?: PostOptions & { msgId?: string }): Promise<SentMessage[]>;
  sticker(): Promise<SentMessage[]>;
  submitInfo(phone: string): Promise<SentMessage[]>;
  /** Posts the last delivery again, byte for byte. */
  replay(): Promise<SentMessage[]>;
  messages(): SentMessage[];
  /** Every button the bot has shown this user, newest first. */
  buttons(): ZaloButtonView[];
}

/**
 * A person on Zalo talking to the bot through signed webhook events. Each action returns the messages
 * the bot sent this person in answer, once `settle` says the bot has finished (replies go out after the
 * webhook is answered).
 */
export function createZaloUser(
  poster: WebhookPoster,
  opts: { id?: string; settle: () => Promise<void> },
): ZaloUser {
  const id = opts.id ?? `${randomInt(1e8, 1e9)}${randomInt(1e9, 1e10)}`;
  const mine = () => poster.fake.sent.filter((m) => m.userId === id);
  const user: ZaloUser = {
    id,
    messages: mine,
    buttons: () => mine().reverse().flatMap(buttonsOf),
    follow: (o) => act(() => poster.follow(id, o)),
    text: (t, o) => act(() => poster.text(id, t, o)),
    async press(title) {
      const button = user.buttons().find((b) => b.title === title);
      if (!button)
        throw new Error(`no button "${title}" among ${JSON.stringify(user.buttons().map((b) => b.title))}`);
      return act(() => poster.text(id, button.payload));
    },
    image: (url, o) => act(() => poster.image(id, url, o)),
    sticker: () => act(() => poster.sticker(id)),
    submitInfo: (phone) => act(() => poster.submitInfo(id, phone)),
    replay: () => {
      const last = user.lastDelivery;
      if (!last) throw new Error("nothing to replay");
      return act(() => poster.replay(last));
    },
  };
  async function act(post: () => Promise<Delivery>): Promise<SentMessage[]> {
    const before = mine().length;
    user.lastDelivery = await post();
    await opts.settle();
    return mine().slice(before);
  }
  return user;
}
