import type { HomeButton, HomeSource } from "../../core/home.js";
import { MANAGER_MENU_ROLES } from "./groups.js";
import { reportingMemberships } from "./members.js";

/** Today's report for people being monitored; their group for those who run one. */
export function monitoringHome(opts: { timeZone: string }): HomeSource {
  return async ({ tx, user, now, t, roles }) => {
    const out: HomeButton[] = [];
    if ((await reportingMemberships(tx, user.id, now, opts.timeZone)).length > 0)
      out.push({ order: 40, label: t("monitoring:home.report"), command: "report" });
    if (roles.some((r) => r === "admin" || (MANAGER_MENU_ROLES as string[]).includes(r)))
      out.push({ order: 120, label: t("monitoring:home.group"), command: "group" });
    return out;
  };
}
