import type { StepContext } from "../../core/types.js";
import type { Person } from "../../shared/people.js";
import { initials } from "./answers.js";
import type { Declaration } from "./declarations.js";
import { formatLocal } from "./time.js";

const EMOJI = { green: "🟢", yellow: "🟡", red: "🔴" } as const;

export function statusText(status: Declaration["status"], ctx: StepContext): string {
  return `${EMOJI[status]} ${ctx.t(`declaration:status.${status}`)}`;
}

/** Under the QR photo: initials only (the code itself names no one), status and validity in local time. */
export function qrCaption(person: Person, d: Declaration, ctx: StepContext): string {
  return ctx.t("declaration:qr.caption", {
    initials: initials(person.fullName),
    status: statusText(d.status, ctx),
    declaredAt: formatLocal(d.declaredAt, ctx.timeZone),
    validUntil: formatLocal(d.validUntil, ctx.timeZone),
  });
}

/** The lines printed beside the QR on a card. */
export function cardLines(person: Person, d: Declaration, ctx: StepContext): string[] {
  return [
    person.birthYear ? ctx.t("declaration:family.card.birthYear", { year: person.birthYear }) : "",
    ctx.t("declaration:family.card.status", { status: ctx.t(`declaration:statusShort.${d.status}`) }),
    ctx.t("declaration:family.card.validUntil", { until: formatLocal(d.validUntil, ctx.timeZone) }),
  ].filter(Boolean);
}
