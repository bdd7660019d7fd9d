import type { Tx } from "../../../db/client.js";
import type { Channel, LoadEnv } from "../../core/types.js";
import { draftSubject, getPerson, selfPerson } from "../../shared/people.js";
import { lookupCommunes } from "../../shared/place-picker.js";
import { latestDeclaration } from "./declarations.js";
import { draftSealingKey, getDraft } from "./drafts.js";
import type { CommuneLookup } from "./flow-answer.js";
import type { SealingLoad } from "./flow-secrets.js";

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
  /** Where the same declaration can be made as a web page, when that is offered. */
  web?: WebLinks | null;
}

/** A Mini App address (Telegram) and a signed one-time link (every other channel) to the web declaration. */
export interface WebLinks {
  webApp: string;
  link: string;
}

export type WebLinkSource = (
  tx: Tx,
  userId: number,
  personId: number | null,
  now: Date,
  channel: Channel,
) => Promise<WebLinks | null>;

/**
 * The start payload: "p12" (or "p:12") declares for dependent 12, nothing for oneself; whatever follows is
 * the flow to hand over to once the declaration is sent ("checkin cp_x": a check-in waiting for it).
 */
export function parseDeclarePayload(payload: string | undefined): { personId: number | null; after: string } {
  const p = (payload ?? "").trim();
  const m = /^p:?(\d{1,15})(?:\s+|$)/.exec(p);
  return m ? { personId: Number(m[1]), after: p.slice(m[0].length).trim() } : { personId: null, after: p };
}

/** A commune typed before the official list was built in has no code: it is asked again, from the list. */
function withoutCodelessCommune(answers: Record<string, unknown>): Record<string, unknown> {
  const commune = answers.commune as { code?: unknown } | undefined;
  if (!commune || typeof commune.code === "string") return answers;
  const { commune: _, ...rest } = answers;
  return rest;
}

async function loadStart(env: LoadEnv, webLink?: WebLinkSource): Promise<StartLoad> {
  const { tx, user, now } = env;
  const wanted = parseDeclarePayload(env.payload).personId;
  const empty = { prefill: {}, hasLast: false, draft: null };
  const person = wanted === null ? await selfPerson(tx, user.id) : await getPerson(tx, user.id, wanted);
  if (wanted !== null && person?.kind !== "dependent")
    return { kind: "start", personId: null, who: null, notFound: true, ...empty };
  const last = person ? await latestDeclaration(tx, person.id) : null;
  const prefill: Record<string, unknown> = last
    ? withoutCodelessCommune(last.answers as Record<string, unknown>)
    : person
      ? {
          fullName: person.fullName,
          ...(person.birthYear !== null ? { birthYear: person.birthYear } : {}),
          ...(person.idNumberMasked ? { idNumber: person.idNumberMasked } : {}),
        }
      : {};
  const draft = await getDraft(tx, user.id, draftSubject(wanted), now);
  const web = webLink && env.channel ? await webLink(tx, user.id, wanted, now, env.channel) : null;
  return {
    web,
    kind: "start",
    personId: wanted,
    who: wanted === null ? null : (person?.fullName ?? null),
    notFound: false,
    prefill,
    hasLast: last !== null,
    draft: draft && { step: draft.step, data: draft.data },
  };
}

/**
 * What a declaration step may have read: the start (prefill, draft), the communes matching a typed name, or
 * the key a typed ID number is sealed with.
 */
export type DeclarationLoad = StartLoad | CommuneLookup | SealingLoad | undefined;

/** Reads before a step only what it needs. */
export async function loadForDeclaration(env: LoadEnv, webLink?: WebLinkSource): Promise<DeclarationLoad> {
  if (!env.state) return loadStart(env, webLink);
  if (env.state.step === "q.idNumber" && env.input?.kind === "text")
    return { kind: "sealing", key: await draftSealingKey(env.tx, env.now) };
  if (env.state.step === "q.commune" && env.input?.kind === "text") {
    const answers = env.state.data.answers as Record<string, unknown> | undefined;
    const province = typeof answers?.province === "string" ? answers.province : "";
    return province === ""
      ? { kind: "commune", matches: [], truncated: false }
      : lookupCommunes(env.tx, province, env.input.text);
  }
  return undefined;
}
