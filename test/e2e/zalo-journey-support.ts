import { type Answers, FORM } from "../../bot/features/declaration/form.js";
import {
  buttonsOf,
  type FakeZalo,
  messageText,
  type SentMessage,
  type WebhookPoster,
  type ZaloButtonView,
} from "../fake-zalo/index.js";
import { i18n } from "../support/context.js";
import { validInput } from "../support/declaration.js";

/**
 * A person on Zalo whose every event carries the test's clock as its timestamp: the bot refuses events
 * older than 15 minutes by its own (movable) clock, and the fake counts the 7-day window from them.
 */
export interface DatedZaloUser {
  id: string;
  messages(): SentMessage[];
  follow(): Promise<SentMessage[]>;
  text(text: string): Promise<SentMessage[]>;
  /** Presses the newest button with this title. */
  press(title: string): Promise<SentMessage[]>;
  /** Presses the newest button whose payload is `#o:<optionId>` (or starts with it, when `prefix`). */
  pressOption(optionId: string, prefix?: boolean): Promise<SentMessage[]>;
  image(url: string): Promise<SentMessage[]>;
  submitInfo(phone: string): Promise<SentMessage[]>;
}

export function datedZaloUser(
  poster: WebhookPoster,
  opts: { id: string; clock: () => Date; settle: () => Promise<void> },
): DatedZaloUser {
  const { id, clock } = opts;
  const mine = () => poster.fake.sent.filter((m) => m.userId === id);
  const buttons = (): ZaloButtonView[] => mine().reverse().flatMap(buttonsOf);
  async function act(post: () => Promise<{ status: number }>): Promise<SentMessage[]> {
    const before = mine().length;
    const res = await post();
    if (res.status !== 200) throw new Error(`the webhook answered ${res.status}`);
    await opts.settle();
    return mine().slice(before);
  }
  const pressPayload = (payload: string) => act(() => poster.text(id, payload, { at: clock() }));
  return {
    id,
    messages: mine,
    follow: () => act(() => poster.follow(id, { at: clock() })),
    text: (t) => act(() => poster.text(id, t, { at: clock() })),
    press(title) {
      const b = buttons().find((x) => x.title === title);
      if (!b) throw new Error(`no button "${title}" among ${JSON.stringify(buttons().map((x) => x.title))}`);
      return pressPayload(b.payload);
    },
    pressOption(optionId, prefix = false) {
      const want = `#o:${optionId}`;
      const b = buttons().find((x) => (prefix ? x.payload.startsWith(want) : x.payload === want));
      if (!b) throw new Error(`no button ${want} among ${JSON.stringify(buttons().map((x) => x.payload))}`);
      return pressPayload(b.payload);
    },
    image: (url) => act(() => poster.image(id, url, { at: clock() })),
    submitInfo: (phone) => act(() => poster.submitInfo(id, phone, { at: clock() })),
  };
}

export const joined = (ms: SentMessage[]) => ms.map(messageText).join("\n");

/**
 * Answers whatever declaration question the last answer put on screen until the summary, as the Telegram
 * e2e does, with Zalo's buttons (a question's buttons past the fifth arrive in follow-up messages).
 */
export async function answerDeclaration(u: DatedZaloUser, first: SentMessage[]): Promise<SentMessage[]> {
  const t = i18n.t("vi");
  let batch = first;
  for (let i = 0; i < 25; i++) {
    const payloads = batch.flatMap(buttonsOf).map((b) => b.payload);
    if (payloads.includes("#o:declaration:confirm")) return batch;
    const screen = joined(batch);
    // Zalo cannot edit a message: the answered question comes back as a new one before the next question.
    const q = FORM.map((x) => ({ x, at: screen.lastIndexOf(`) ${t(`declaration:${x.key}.ask`)}`) }))
      .filter((c) => c.at >= 0)
      .sort((a, b) => b.at - a.at)[0]?.x;
    if (!q) throw new Error(`no question on screen: ${screen}`);
    const offered = payloads.find((p) => p.startsWith(`#o:declaration:a:${q.id}:`));
    const input = validInput(q, {} as Answers);
    if (offered && q.type !== "choice") batch = await u.text(offered);
    else if (input.kind === "option") {
      if (!payloads.includes(`#o:${input.data}`))
        throw new Error(`no ${input.data} for ${q.id} among ${JSON.stringify(payloads)}`);
      batch = await u.text(`#o:${input.data}`);
    } else if (input.kind === "text") batch = await u.text(input.text);
    else throw new Error(`cannot answer ${q.id}`);
  }
  throw new Error("the form never reached its summary");
}

/** The image bytes behind a media-template message, as the bot uploaded them to Zalo. */
export function uploadedImage(fake: FakeZalo, m: SentMessage | undefined): Buffer {
  const el = (m?.message.attachment?.payload.elements as { attachment_id?: string }[] | undefined)?.[0];
  const asset = el?.attachment_id ? fake.assets.get(el.attachment_id) : undefined;
  if (asset?.kind !== "image") throw new Error("no uploaded image behind this message");
  return asset.bytes;
}

export const isMedia = (m: SentMessage) => m.message.attachment?.payload.template_type === "media";

import { until } from "../support/until.js";

export { until };
