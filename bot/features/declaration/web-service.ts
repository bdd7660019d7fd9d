import type { Tx } from "../../../db/client.js";
import type { Reply, StepContext } from "../../core/types.js";
import { loadIdHashKey } from "../../shared/id-hash.js";
import { getPerson, listPeople, selfPerson } from "../../shared/people.js";
import { sanitizeAnswers } from "./answers.js";
import { latestDeclaration, saveDeclaration } from "./declarations.js";
import { type Answers, FORM_VERSION } from "./form.js";

/** Whose declarations this account may make: the holder (id null) and their dependents. */
export interface WebPerson {
  id: number | null;
  name: string;
}

/** The save path of the chat flow, for callers outside a conversation (the web page). */
export interface DeclarationService {
  people(tx: Tx, userId: number): Promise<WebPerson[]>;
  /** The answers to start from: the last declaration's (or the known identity's); null: not this account's. */
  prefill(
    tx: Tx,
    userId: number,
    personId: number | null,
    env: { now: Date; timeZone: string },
  ): Promise<Answers | null>;
  /**
   * Stores a declaration exactly as the chat's confirm does and returns the personal QR reply for the chat;
   * null when `personId` is not a dependent of this account.
   */
  submit(
    tx: Tx,
    d: { userId: number; personId: number | null; answers: Answers; now: Date; ctx: StepContext },
  ): Promise<{ declarationId: number; reply: Reply } | null>;
}

export function createDeclarationService(deps: {
  validDays: number;
  qrReply: (tx: Tx, userId: number, now: Date, ctx: StepContext, personId: number | null) => Promise<Reply>;
}): DeclarationService {
  return {
    async people(tx, userId) {
      const self = await selfPerson(tx, userId);
      const all = await listPeople(tx, userId);
      return [
        { id: null, name: self?.fullName ?? "" },
        ...all.filter((p) => p.kind === "dependent").map((p) => ({ id: p.id, name: p.fullName })),
      ];
    },
    async prefill(tx, userId, personId, env) {
      const person = personId === null ? await selfPerson(tx, userId) : await getPerson(tx, userId, personId);
      if (personId !== null && person?.kind !== "dependent") return null;
      const last = person ? await latestDeclaration(tx, person.id) : null;
      const raw: Record<string, unknown> = last
        ? (last.answers as Record<string, unknown>)
        : person
          ? {
              fullName: person.fullName,
              ...(person.birthYear !== null ? { birthYear: person.birthYear } : {}),
              ...(person.idNumberMasked ? { idNumber: person.idNumberMasked } : {}),
            }
          : {};
      return sanitizeAnswers(raw, env);
    },
    async submit(tx, d) {
      const saved = await saveDeclaration(tx, {
        userId: d.userId,
        personId: d.personId,
        formVersion: FORM_VERSION,
        answers: d.answers,
        now: d.now,
        validDays: deps.validDays,
        hashKey: await loadIdHashKey(tx, d.now),
      });
      if (!saved) return null;
      const personId = saved.person.kind === "self" ? null : saved.person.id;
      return {
        declarationId: saved.declaration.id,
        reply: await deps.qrReply(tx, d.userId, d.now, d.ctx, personId),
      };
    },
  };
}
