import type { HomeSource } from "../../core/home.js";

/** A checkpoint's manager keeps its COVID-safety assessment current. */
export function safetyHome(): HomeSource {
  return async ({ t, roles }) =>
    roles.includes("checkpoint_manager")
      ? [{ order: 105, label: t("safety:home.safety"), command: "safety" }]
      : [];
}
