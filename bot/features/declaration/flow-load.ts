import type { LoadEnv } from "../../core/types.js";
import { countCommunes, searchCommunes } from "../../shared/admin-units.js";
import { draftSubject, getPerson, selfPerson } from "../../shared/people.js";
import { latestDeclaration } from "./declarations.js";
import { getDraft } from "./drafts.js";
import type { CommuneLookup } from "./flow-answer.js";

/** What starting a declaration needs: whose it is, what to prefill, and any interrupted draft. */
export interface StartLoad {
  kind: "start";
  personId: number | null;
  /** The dependent's name; null for the account holder. */
  who: string | null;
  /** The payload named a dependent this account does not hold. */
  notFound: boolean;
  prefill: Record<string, unknown>;
  hasLast: boolean;
  draft: { step: string; data: Record<string, unknown> } | null;
}

/**
 * The start payload: "p12" (or "p:12") declares for dependent 12, nothing for oneself; whatever follows is
 * the flow to hand over to once the declaration is sent ("checkin cp_x": a check-in waiting for it).
 */
export function parseDeclarePayload(payload: string | undefined): { personId: number | null; after: string } {
  const p = (payload ?? "").trim();
  const m = /^p:?(\d{1,15})(?:\s+|$)/.exec(p);
  return m ? { personId: Number(m[1]), after: p.slice(m[0].length).trim() } : { personId: null, after: p };
}

async function loadStart(env: LoadEnv): Promise<StartLoad> {
  const { tx, user, now } = env;
  const wanted = parseDeclarePayload(env.payload).personId;
  const empty = { prefill: {}, hasLast: false, draft: null };
  const person = wanted === null ? await selfPerson(tx, user.id) : await getPerson(tx, user.id, wanted);
  if (wanted !== null && person?.kind !== "dependent")
    return { kind: "start", personId: null, who: null, notFound: true, ...empty };
  const last = person ? await latestDeclaration(tx, person.id) : null;
  const prefill: Record<string, unknown> = last
    ? (last.answers as Record<string, unknown>)
    : person
      ? {
          fullName: person.fullName,
          ...(person.birthYear !== null ? { birthYear: person.birthYear } : {}),
          ...(person.idNumberMasked ? { idNumber: person.idNumberMasked } : {}),
        }
      : {};
  const draft = await getDraft(tx, user.id, draftSubject(wanted), now);
  return {
    kind: "start",
    personId: wanted,
    who: wanted === null ? null : (person?.fullName ?? null),
    notFound: false,
    prefill,
    hasLast: last !== null,
    draft: draft && { step: draft.step, data: draft.data },
  };
}

/** Reads before a step only what it needs: the start context, or communes matching a typed name. */
/** What a declaration step may have read: the start (prefill, draft) or the communes matching a typed name. */
export type DeclarationLoad = StartLoad | CommuneLookup | undefined;

export async function loadForDeclaration(env: LoadEnv): Promise<DeclarationLoad> {
  if (!env.state) return loadStart(env);
  if (env.state.step === "q.commune" && env.input?.kind === "text") {
    const answers = env.state.data.answers as Record<string, unknown> | undefined;
    const province = typeof answers?.province === "string" ? answers.province : "";
    const hasUnits = province !== "" && (await countCommunes(env.tx, province)) > 0;
    const matches = hasUnits ? await searchCommunes(env.tx, province, env.input.text.slice(0, 100)) : [];
    return { kind: "commune", hasUnits, matches };
  }
  return undefined;
}
