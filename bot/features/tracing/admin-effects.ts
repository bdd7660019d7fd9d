import type { EffectHandlers } from "../../core/engine.js";
import { text } from "../../core/replies.js";
import { audit } from "../../shared/audit.js";
import { createInvitation } from "../../shared/invitations.js";
import type { Links } from "../../shared/links.js";
import { localDay, localTime } from "../../shared/local-time.js";
import { formatPhone } from "../../shared/phone.js";
import { ForbiddenError, isAdmin } from "../../shared/roles.js";
import { toCsv } from "../../shared/spreadsheet.js";
import { type AuditRow, auditTable, readAudit, resolveUser } from "./audit-query.js";
import { auditOptions } from "./options.js";

/** The Export button's id, with the listing's filter; null when the filter cannot ride in a button id. */
function exportButton(e: { actor?: string; subject?: string }): string | null {
  try {
    if (e.actor !== undefined) return auditOptions.build("csv", "a", e.actor);
    if (e.subject !== undefined) return auditOptions.build("csv", "s", e.subject);
    return auditOptions.build("csv");
  } catch {
    return null;
  }
}

const AUDIT_LIST = 20;
const AUDIT_EXPORT_MAX = 10_000;

function auditLine(r: AuditRow, tz: string): string {
  const who =
    r.actorUserId === null
      ? "—"
      : `#${r.actorUserId}${r.actorPhone ? ` (${formatPhone(r.actorPhone)})` : ""}`;
  const subjects = (r.subjectUserIds ?? []).slice(0, 5).map((id) => `#${id}`);
  const more = (r.subjectUserIds?.length ?? 0) > 5 ? "…" : "";
  const scope = r.scopeType ? ` · ${r.scopeType}${r.scopeId ? `:${r.scopeId}` : ""}` : "";
  return `${localDay(r.at, tz).slice(0, 5)} ${localTime(r.at, tz)} · ${who} · ${r.action}${
    subjects.length ? ` → ${subjects.join(" ")}${more}` : ""
  }${scope}`;
}

/** What administrators do by chat: read the audit log (never change it), invite officers. */
export function adminEffects(deps: {
  links: Links;
  inviteDays?: number;
}): Pick<EffectHandlers, "tracing.audit" | "tracing.invite"> {
  return {
    "tracing.invite": async (e, env) => {
      if (!(await isAdmin(env.tx, env.user.id))) throw new ForbiddenError("admin");
      const inv = await createInvitation(env.tx, {
        kind: "role",
        payload: { role: e.role, scope: e.scope, label: e.label },
        createdBy: env.user.id,
        now: env.now,
        ttlMs: (deps.inviteDays ?? 7) * 86_400_000,
        maxUses: 1,
      });
      await audit(env.tx, {
        actorUserId: env.user.id,
        action: "role.invite",
        scope: e.scope,
        detail: { role: e.role, invitationId: inv.id },
        at: env.now,
      });
      const t = env.ctx.t;
      return [
        text(
          t("tracing:invite.link", {
            role: t(`invitation:roles.${e.role}`),
            label: e.label,
            until: localDay(inv.expiresAt, env.ctx.timeZone),
            link: deps.links.ways(t, inv),
          }),
        ),
      ];
    },
    "tracing.audit": async (e, env) => {
      const t = env.ctx.t;
      const typed = e.actor ?? e.subject;
      const who = typed === undefined ? undefined : await resolveUser(env.tx, typed);
      if (who === null) return [text(t("tracing:audit.nobody", { who: typed }))];
      const filter =
        e.actor !== undefined ? { actorUserId: who } : e.subject !== undefined ? { subjectUserId: who } : {};
      const rows = await readAudit(env.tx, {
        actorUserId: env.user.id,
        filter,
        limit: e.export ? AUDIT_EXPORT_MAX : AUDIT_LIST,
        now: env.now,
        action: e.export ? "audit.export" : "audit.view",
      });
      if (e.export) {
        const header = ["at", "actor", "actor_phone", "action", "subjects", "scope", "detail"];
        const bytes = toCsv(auditTable(rows, header));
        const day = localDay(env.now, env.ctx.timeZone).split("/").reverse().join("-");
        return [{ kind: "document", bytes, fileName: `audit-${day}.csv`, mimeType: "text/csv" }];
      }
      if (rows.length === 0) return [text(t("tracing:audit.empty"))];
      const data = exportButton(e);
      return [
        text(
          [
            t("tracing:audit.head", { n: rows.length }),
            ...rows.map((r) => auditLine(r, env.ctx.timeZone)),
          ].join("\n"),
          {
            options: data ? [[{ id: data, label: t("tracing:audit.export") }]] : undefined,
          },
        ),
      ];
    },
  };
}
