import type { TFunction } from "i18next";
import type { Tx } from "../../db/client.js";
import { optionCodec } from "./options.js";
import type { Channel, Option, UserView } from "./types.js";

/** What a feature may read to decide which home buttons fit the person now. */
export interface HomeEnv {
  tx: Tx;
  user: UserView;
  now: Date;
  channel: Channel;
  t: TFunction;
  /** The roles the person holds, read once for every feature. */
  roles: readonly string[];
}

/**
 * One button of the home message: a command to run (it comes back as `home:cmd:<command>`) or a link. `order`
 * places it: the step a resident most likely needs now comes first (declare 10, QR 20, check out 30, report 40),
 * role buttons after (100 and up).
 */
export interface HomeButton {
  order: number;
  label: string;
  command?: string;
  url?: string;
  webApp?: boolean;
}

export type HomeSource = (env: HomeEnv) => Promise<HomeButton[]>;

/** Home buttons run commands; a press works whatever the person is doing, as typing the command would. */
export const homeOptions = optionCodec("home", { cmd: ["str"] });

/** The buttons in order, one to a row: large targets for people on small phones. */
export function homeRows(buttons: HomeButton[]): Option[][] {
  return [...buttons]
    .sort((a, b) => a.order - b.order)
    .map((b) =>
      b.url
        ? [{ id: `home:url:${b.order}`, label: b.label, url: b.url, webApp: b.webApp }]
        : [{ id: homeOptions.build("cmd", b.command ?? "help"), label: b.label }],
    );
}
