import type { Reply, StepContext } from "../../core/types.js";
import { formatPhone } from "../../shared/phone.js";
import { toCsv } from "../../shared/spreadsheet.js";
import { formatLocal, isValidAt } from "../declaration/index.js";
import type { PersonalData } from "./collect.js";

const SHOWN_VISITS = 10;

function peopleLines(d: PersonalData, ctx: StepContext): string[] {
  const t = ctx.t;
  if (d.account.people.length === 0) return [t("privacy:mydata.noPeople")];
  return d.account.people.map((p) => {
    const who = p.person.kind === "self" ? t("privacy:mydata.self") : t("privacy:mydata.dependent");
    const latest = p.latest
      ? t("privacy:mydata.latest", {
          at: formatLocal(p.latest.declaredAt, ctx.timeZone),
          status: t(`declaration:status.${p.latest.status}`),
        })
      : t("privacy:mydata.neverDeclared");
    const qr = p.latest
      ? isValidAt(p.latest, ctx.now)
        ? t("privacy:mydata.qrValid", { until: formatLocal(p.latest.validUntil, ctx.timeZone) })
        : t("privacy:mydata.qrExpired")
      : "";
    const id = p.person.idNumberMasked ? t("privacy:mydata.idNumber", { id: p.person.idNumberMasked }) : "";
    return [
      `• ${p.person.fullName} (${who}${p.person.birthYear ? `, ${p.person.birthYear}` : ""})`,
      id,
      t("privacy:mydata.declarations", { count: p.declarations }),
      latest,
      qr,
    ]
      .filter(Boolean)
      .join("\n  ");
  });
}

/** One paragraph per kind of thing held, in the person's language; /delete shows the same before asking. */
export function heldParagraphs(d: PersonalData, ctx: StepContext): string[] {
  const t = ctx.t;
  const at = (x: Date) => formatLocal(x, ctx.timeZone);
  const out: string[] = [];
  out.push(
    d.account.phone
      ? t("privacy:mydata.phone", { phone: formatPhone(d.account.phone) })
      : t("privacy:mydata.noPhone"),
  );
  out.push(
    d.consent
      ? t("privacy:mydata.consent", { version: d.consent.version, at: at(d.consent.at) })
      : t("privacy:mydata.noConsent"),
  );
  out.push(...peopleLines(d, ctx));
  if (d.visits.length === 0) out.push(t("privacy:mydata.noVisits"));
  else {
    const newest = [...d.visits].reverse().slice(0, SHOWN_VISITS);
    const lines = newest.map((v) =>
      t("privacy:mydata.visit", {
        place: v.place,
        in: at(v.checkedInAt),
        out: v.checkedOutAt ? at(v.checkedOutAt) : t("privacy:mydata.stillInside"),
      }),
    );
    if (d.visits.length > SHOWN_VISITS)
      lines.push(t("privacy:mydata.moreVisits", { count: d.visits.length - SHOWN_VISITS }));
    out.push([t("privacy:mydata.visitsTitle", { count: d.visits.length }), ...lines].join("\n"));
  }
  if (d.memberships.length === 0) out.push(t("privacy:mydata.noGroups"));
  else
    out.push(
      [
        t("privacy:mydata.groupsTitle"),
        ...d.memberships.map((m) =>
          t("privacy:mydata.group", {
            name: m.groupName,
            place: m.place,
            from: m.startsOn,
            to: m.endsOn,
            status: t(`privacy:mydata.memberStatus.${m.status}`),
            count: m.reports.length,
          }),
        ),
      ].join("\n"),
    );
  if (d.traces.length === 0) out.push(t("privacy:mydata.noTraces"));
  else
    out.push(
      [
        t("privacy:mydata.tracesTitle"),
        ...d.traces.map((x) =>
          x.as === "case"
            ? t("privacy:mydata.tracedCase", { at: at(x.at) })
            : t("privacy:mydata.tracedContact", { at: at(x.at), degree: x.degree, place: x.placeName }),
        ),
      ].join("\n"),
    );
  if (d.roles.length > 0)
    out.push(
      t("privacy:mydata.rolesTitle", {
        roles: d.roles
          .map((g) => `${g.role}${g.scope.type === "global" ? "" : ` (${g.scope.type} ${g.scope.id})`}`)
          .join(", "),
      }),
    );
  if (d.account.drafts > 0) out.push(t("privacy:mydata.drafts", { count: d.account.drafts }));
  return out;
}

const iso = (x: Date | null) => (x ? x.toISOString() : null);

/** The downloadable copy: everything held, as JSON, and the visits as CSV with headers in the person's language. */
export function personalFiles(d: PersonalData, ctx: StepContext): Reply[] {
  const names = new Map(d.account.people.map((p) => [p.person.id, p.person.fullName]));
  const self = d.account.people.find((p) => p.person.kind === "self")?.person.fullName ?? "";
  const json = {
    generatedAt: ctx.now.toISOString(),
    account: {
      phone: d.account.phone,
      phoneVerifiedAt: iso(d.account.phoneVerifiedAt),
      language: d.account.lang,
      consent: d.consent ? { version: d.consent.version, at: iso(d.consent.at) } : null,
      roles: d.roles,
      unfinishedDeclarations: d.account.drafts,
    },
    people: d.account.people.map((p) => ({
      kind: p.person.kind,
      fullName: p.person.fullName,
      birthYear: p.person.birthYear,
      relation: p.person.relation,
      idNumberLastCharacters: p.person.idNumberMasked,
      qrValid: p.latest ? isValidAt(p.latest, ctx.now) : false,
      declarations: d.declarations
        .filter((x) => x.personId === p.person.id)
        .map((x) => ({
          declaredAt: iso(x.declaredAt),
          validUntil: iso(x.validUntil),
          status: x.status,
          formVersion: x.formVersion,
          answers: x.answers,
        })),
    })),
    visits: d.visits.map((v) => ({
      person: v.personId ? (names.get(v.personId) ?? null) : self,
      place: v.place,
      address: v.address,
      checkedInAt: iso(v.checkedInAt),
      checkedOutAt: iso(v.checkedOutAt),
      method: v.method,
    })),
    monitoring: d.memberships.map((m) => ({
      group: m.groupName,
      kind: m.groupKind,
      place: m.place,
      startsOn: m.startsOn,
      endsOn: m.endsOn,
      status: m.status,
      reports: m.reports,
    })),
    traces: d.traces.map((x) => ({ as: x.as, degree: x.degree, at: iso(x.at), place: x.placeName })),
  };
  return [
    {
      kind: "document",
      bytes: new TextEncoder().encode(JSON.stringify(json, null, 2)),
      fileName: "du-lieu-ca-nhan.json",
      mimeType: "application/json",
      caption: ctx.t("privacy:mydata.fileCaption"),
    },
    visitsCsv(d, ctx),
  ];
}

/** Whose a visit was: the account holder's own, else the dependent's name. */
export function visitorName(d: PersonalData, personId: number | null): string {
  const people = d.account.people;
  if (personId) return people.find((p) => p.person.id === personId)?.person.fullName ?? "";
  return people.find((p) => p.person.kind === "self")?.person.fullName ?? "";
}

/** The visits as CSV, headers in the person's language, times local. */
export function visitsCsv(d: PersonalData, ctx: StepContext): Reply {
  const t = ctx.t;
  const header = ["person", "place", "address", "in", "out", "method"].map((k) =>
    t(`privacy:mydata.csv.${k}`),
  );
  const at = (x: Date | null) => (x ? formatLocal(x, ctx.timeZone) : "");
  const rows = d.visits.map((v) => [
    visitorName(d, v.personId),
    v.place,
    v.address,
    at(v.checkedInAt),
    at(v.checkedOutAt),
    v.method,
  ]);
  return {
    kind: "document",
    bytes: new Uint8Array(toCsv([header, ...rows])),
    fileName: "luot-ra-vao.csv",
    mimeType: "text/csv",
    caption: t("privacy:mydata.visitsCaption"),
  };
}
