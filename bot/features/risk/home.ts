import type { HomeSource } from "../../core/home.js";
import { OFFICER_ROLES } from "../../shared/officer-scope.js";

/** Officers set their area's risk level. */
export function riskHome(): HomeSource {
  return async ({ t, roles }) =>
    roles.some((r) => r === "admin" || (OFFICER_ROLES as readonly string[]).includes(r))
      ? [{ order: 145, label: t("risk:home.area"), command: "area" }]
      : [];
}
