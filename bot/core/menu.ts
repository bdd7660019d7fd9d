import type { TFunction } from "i18next";
import type { AnyFlow } from "./types.js";

/** Commands the engine answers itself, for everyone. */
const BUILT_IN = ["start", "help", "lang", "cancel"];

/** Who may use which command: built from the flows' `roles`, so the menus cannot drift from the flows. */
export interface CommandRights {
  /** The commands of someone holding these roles (none: a resident's). */
  commandsFor(roles: readonly string[]): Set<string>;
}

export function commandRights(flows: AnyFlow[]): CommandRights {
  const commands = new Map<string, readonly string[] | undefined>();
  for (const c of BUILT_IN) commands.set(c, undefined);
  for (const f of flows) for (const c of f.commands ?? []) commands.set(c, f.roles);
  return {
    commandsFor(roles) {
      const admin = roles.includes("admin");
      const out = new Set<string>();
      for (const [command, need] of commands)
        if (!need || admin || need.some((r) => roles.includes(r))) out.add(command);
      return out;
    },
  };
}

/** The commands as menu entries, in the order the locale lists them, each with its description. */
export function menuEntries(t: TFunction, allowed: Set<string>): { command: string; description: string }[] {
  const described = t("common:commands", { returnObjects: true }) as Record<string, string>;
  return Object.keys(described)
    .filter((c) => allowed.has(c))
    .map((command) => ({ command, description: described[command]! }));
}

/** /help: what the bot is for, then the commands this person can use. */
export function helpText(t: TFunction, allowed: Set<string>): string {
  const lines = menuEntries(t, allowed).map((e) => `/${e.command} – ${e.description}`);
  return `${t("common:helpIntro")}\n\n${t("common:helpCommands")}\n${lines.join("\n")}`;
}
