import { eq, sql } from "drizzle-orm";
import { openVisits } from "../../../db/schema/index.js";
import type { HomeButton, HomeSource } from "../../core/home.js";
import { userVisitor } from "./visits.js";

/** Check out while inside somewhere; a manager's visitors and self-assessment, staff's scanning. */
export function checkpointHome(): HomeSource {
  return async ({ tx, user, t, roles }) => {
    const out: HomeButton[] = [];
    const [open] = await tx
      .select({ one: sql<number>`1` })
      .from(openVisits)
      .where(eq(openVisits.visitorKey, userVisitor(user.id).key));
    if (open) out.push({ order: 30, label: t("checkpoint:home.checkout"), command: "checkout" });
    const manager = roles.includes("checkpoint_manager");
    if (manager) out.push({ order: 100, label: t("checkpoint:home.visitors"), command: "visitors" });
    if (manager || roles.includes("checkpoint_staff"))
      out.push({ order: 110, label: t("checkpoint:home.scan"), command: "scan" });
    return out;
  };
}
