import type { EffectEnv, EffectHandlers } from "../../core/engine.js";
import type { I18n } from "../../core/i18n.js";
import { rows, text } from "../../core/replies.js";
import type { Reply } from "../../core/types.js";
import { audit } from "../../shared/audit.js";
import { loadIdHashKey } from "../../shared/id-hash.js";
import { localDay } from "../../shared/local-time.js";
import { type OfficerScope, officerScope } from "../../shared/officer-scope.js";
import type { QrDecoder } from "../../shared/qr/decode.js";
import { personalTokenIn, readQrPhoto } from "../../shared/qr/read-photo.js";
import { loadSigningKeys } from "../../shared/qr/signing-keys.js";
import { ForbiddenError } from "../../shared/roles.js";
import { confirmCase, contactFor, sendNotices, setFollowUp, traceFor } from "./actions.js";
import type { CaseQuery } from "./case.js";
import { contactsOf } from "./contacts.js";
import type { TraceWho, TracingEffectType } from "./effects.js";
import { enrollF1, homeGroupsOf } from "./enroll.js";
import { traceTable } from "./export.js";
import { traceOptions } from "./options.js";
import { contactCard, contactList, phoneOf, resultReplies, traceFileReplies } from "./replies.js";
import { traceButtons } from "./trace-flow.js";
import { runF2, runTrace, traceScope } from "./traces.js";

export interface TraceEffectDeps {
  i18n: I18n;
  qrSigningKey?: string;
  decoder: () => QrDecoder;
  maxPhotoBytes: number;
  bufferMinutes?: number;
}

async function caseQuery(env: EffectEnv, who: TraceWho, deps: TraceEffectDeps): Promise<CaseQuery | Reply> {
  if (who.by === "phone") return { by: "phone", phone: who.value };
  if (who.by === "id")
    return { by: "id", idNumber: who.value, hashKey: await loadIdHashKey(env.tx, env.now) };
  const read = await readQrPhoto(
    deps.decoder(),
    env.files,
    { fileRef: who.value, size: who.size },
    deps.maxPhotoBytes,
  );
  if (!read.ok) return text(env.ctx.t(`tracing:trace.photo.${read.reason}`));
  const token = personalTokenIn(read.texts);
  if (!token) return text(env.ctx.t("tracing:trace.photo.noPersonalQr"));
  const keys = (await loadSigningKeys(env.tx, { configured: deps.qrSigningKey, now: env.now })).keyring;
  return { by: "qr", token, keys };
}

/** The officer behind an effect; ForbiddenError for anyone else. */
export async function requireOfficer(env: EffectEnv): Promise<OfficerScope> {
  const officer = await officerScope(env.tx, env.user.id);
  if (!officer) throw new ForbiddenError("officer");
  return officer;
}

export function traceEffects(
  deps: TraceEffectDeps,
): Pick<EffectHandlers, Exclude<TracingEffectType, "tracing.stats" | "tracing.audit" | "tracing.invite">> {
  return {
    "tracing.run": async (e, env) => {
      const officer = await requireOfficer(env);
      const query = await caseQuery(env, e.who, deps);
      if ("kind" in query) return [query];
      const outcome = await runTrace(env.tx, {
        officer,
        query,
        days: e.days,
        bufferMinutes: deps.bufferMinutes,
        now: env.now,
      });
      if (outcome.kind === "notFound") return [text(env.ctx.t("tracing:trace.notFound"))];
      return resultReplies(env, outcome.result);
    },
    "tracing.f2": async (e, env) => {
      const officer = await requireOfficer(env);
      const trace = await traceFor(env.tx, officer, e.traceId);
      const r = await runF2(env.tx, { officer, trace, now: env.now });
      const lines = [
        env.ctx.t("tracing:trace.f2", { id: trace.id, n: r.contacts.length }),
        ...contactList(r.contacts, env.ctx),
      ];
      const all = await contactsOf(env.tx, trace.id);
      const table = traceTable({
        caseName: trace.caseName,
        caseVisits: [],
        exposures: r.exposures,
        contacts: all,
        places: r.places,
        t: env.ctx.t,
        timeZone: env.ctx.timeZone,
      });
      return [
        text(lines.join("\n"), { options: traceButtons(trace.id, env.ctx, false) }),
        ...(r.exposures.length > 0 ? await traceFileReplies(table, `trace-${trace.id}-f2`, env.ctx) : []),
      ];
    },
    "tracing.confirm": async (e, env) => {
      const officer = await requireOfficer(env);
      const fresh = await confirmCase(env.tx, { officer, traceId: e.traceId, now: env.now });
      return [
        text(
          env.ctx.t(fresh ? "tracing:trace.confirmed" : "tracing:trace.alreadyConfirmed", {
            id: e.traceId,
          }),
        ),
      ];
    },
    "tracing.notify": async (e, env) => {
      const officer = await requireOfficer(env);
      const s = await sendNotices(env.tx, deps.i18n, {
        officer,
        traceId: e.traceId,
        now: env.now,
        timeZone: env.ctx.timeZone,
      });
      return [text(env.ctx.t("tracing:trace.notified", { ...s, id: e.traceId }))];
    },
    "tracing.enrollMenu": async (e, env) => {
      const officer = await requireOfficer(env);
      const trace = await traceFor(env.tx, officer, e.traceId);
      const groups = (await homeGroupsOf(env.tx, env.user.id)).slice(0, 10);
      const options = [
        { id: traceOptions.build("en", trace.id), label: env.ctx.t("tracing:enroll.newGroup") },
        ...groups.map((g) => ({ id: traceOptions.build("eg", trace.id, g.id), label: g.name })),
      ];
      return [text(env.ctx.t("tracing:enroll.which"), { options: rows(options) })];
    },
    "tracing.enroll": async (e, env) => {
      const officer = await requireOfficer(env);
      const day = localDay(env.now, env.ctx.timeZone);
      const s = await enrollF1(env.tx, deps.i18n, {
        officer,
        traceId: e.traceId,
        groupId: e.groupId,
        name: env.ctx.t("tracing:enroll.groupName", { id: e.traceId, day }),
        now: env.now,
        timeZone: env.ctx.timeZone,
      });
      const key = s.created ? "tracing:enroll.doneNew" : "tracing:enroll.done";
      return [
        text(
          env.ctx.t(key, {
            group: s.group.name,
            listed: s.listed,
            dependents: s.dependents,
            skipped: s.skipped,
          }),
        ),
      ];
    },
    "tracing.followUpList": async (e, env) => {
      const officer = await requireOfficer(env);
      const trace = await traceFor(env.tx, officer, e.traceId);
      const contacts = await contactsOf(env.tx, trace.id);
      await audit(env.tx, {
        actorUserId: officer.userId,
        action: "trace.contacts",
        subjectUserIds: contacts.flatMap((c) => (c.userId ? [c.userId] : [])),
        scope: traceScope(trace),
        detail: { traceId: trace.id },
        at: env.now,
      });
      if (contacts.length === 0) return [text(env.ctx.t("tracing:followUp.none"))];
      const options = contacts.slice(0, 40).map((c) => ({
        id: traceOptions.build("fc", c.id),
        label: `#${c.id} F${c.degree} ${c.name || phoneOf(c)} · ${env.ctx.t(`tracing:followUp.${c.followUp}`)}`,
      }));
      return [text(env.ctx.t("tracing:followUp.choose", { id: trace.id }), { options: rows(options) })];
    },
    "tracing.followUpShow": async (e, env) => {
      const officer = await requireOfficer(env);
      const { contact, trace } = await contactFor(env.tx, officer, e.contactId);
      await audit(env.tx, {
        actorUserId: officer.userId,
        action: "trace.contact",
        subjectUserIds: contact.userId ? [contact.userId] : [],
        scope: traceScope(trace),
        detail: { traceId: trace.id, contactId: contact.id },
        at: env.now,
      });
      return [contactCard(contact, env.ctx, false)];
    },
    "tracing.followUp": async (e, env) => {
      const officer = await requireOfficer(env);
      const contact = await setFollowUp(env.tx, {
        officer,
        contactId: e.contactId,
        status: e.status,
        now: env.now,
      });
      return [contactCard(contact, env.ctx, true)];
    },
  };
}
