import type { HomeButton, HomeSource } from "../../core/home.js";
import { selfPerson } from "../../shared/people.js";
import { DAY_MS, isValidAt, latestDeclaration } from "./declarations.js";

/**
 * Declare first when there is nothing valid, the QR once there is; re-declare on the last day, before it
 * lapses at a door. On Telegram the form also opens as a page inside the chat (the Mini App).
 */
export function declarationHome(opts: { webAppUrl?: string }): HomeSource {
  return async ({ tx, user, now, t, channel }) => {
    const person = await selfPerson(tx, user.id);
    const latest = person ? await latestDeclaration(tx, person.id) : null;
    const out: HomeButton[] = [];
    if (!latest || !isValidAt(latest, now)) {
      out.push({
        order: 10,
        label: t(latest ? "declaration:home.redeclare" : "declaration:home.declare"),
        command: "declare",
      });
      if (opts.webAppUrl && channel === "telegram")
        out.push({
          order: 15,
          label: t("declaration:home.web"),
          url: `${opts.webAppUrl}/app/`,
          webApp: true,
        });
      return out;
    }
    out.push({ order: 20, label: t("declaration:home.qr"), command: "qr" });
    if (latest.validUntil.getTime() - now.getTime() < DAY_MS)
      out.push({ order: 25, label: t("declaration:home.redeclare"), command: "declare" });
    return out;
  };
}
