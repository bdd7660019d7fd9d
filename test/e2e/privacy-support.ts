import { type Answers, FORM } from "../../bot/features/declaration/form.js";
import type { ScriptedUser } from "../fake-telegram/index.js";
import { i18n } from "../support/context.js";
import { validInput } from "../support/declaration.js";
import type { DatedZaloUser } from "./zalo-journey-support.js";

/** A newcomer on Telegram: the command, the language, the consent screen, the own phone. */
export async function registerOnTelegram(
  u: ScriptedUser,
  lang: "vi" | "en",
  phone: string,
  command = "start",
): Promise<void> {
  await u.command(command);
  await u.press(`language:${lang}`);
  await u.press("consent:agree");
  await u.contact(phone);
}

/** A newcomer on Zalo: follow, Vietnamese, the consent screen, the phone Zalo shares. */
export async function registerOnZalo(z: DatedZaloUser, phone: string): Promise<void> {
  await z.follow();
  await z.press("Tiếng Việt");
  await z.pressOption("consent:agree");
  await z.submitInfo(phone);
}

const buttonData = (u: ScriptedUser) =>
  u
    .keyboard()
    .inline.flat()
    .map((b) => b.data ?? "");

/** Answers the declaration on screen up to its summary, with these texts for the typed questions. */
export async function answerTelegramDeclaration(
  u: ScriptedUser,
  lang: "vi" | "en",
  texts: Record<string, string> = {},
): Promise<void> {
  const t = i18n.t(lang);
  for (let i = 0; i < 25; i++) {
    const data = buttonData(u);
    if (data.includes("declaration:confirm")) return;
    const screen = u.lastText() ?? "";
    const q = FORM.find((x) => screen.includes(`) ${t(`declaration:${x.key}.ask`)}`));
    if (!q) throw new Error(`no question on screen: ${screen}`);
    const press = data.find((d) => d.startsWith(`declaration:a:${q.id}:`));
    const input = validInput(q, {} as Answers);
    if (texts[q.id] !== undefined) await u.text(texts[q.id]!);
    else if (press && q.type !== "choice") await u.press(press);
    else if (input.kind === "option") await u.press(input.data);
    else if (input.kind === "text") await u.text(input.text);
  }
  throw new Error("the form never reached its summary");
}
