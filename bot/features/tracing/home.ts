import type { HomeButton, HomeSource } from "../../core/home.js";
import { OFFICER_ROLES } from "../../shared/officer-scope.js";

/** Officers' tracing and statistics; an administrator's invitations of officers. */
export function tracingHome(): HomeSource {
  return async ({ t, roles }) => {
    const out: HomeButton[] = [];
    const admin = roles.includes("admin");
    if (admin || roles.some((r) => (OFFICER_ROLES as readonly string[]).includes(r))) {
      out.push({ order: 130, label: t("tracing:home.trace"), command: "trace" });
      out.push({ order: 140, label: t("tracing:home.stats"), command: "stats" });
    }
    if (admin) out.push({ order: 160, label: t("tracing:home.invite"), command: "invite" });
    return out;
  };
}
