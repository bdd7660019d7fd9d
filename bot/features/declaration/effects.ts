import type { Answers } from "./form.js";

/** Effects of the declaration feature, run by its handlers inside the update's transaction. */
declare module "../../core/types.js" {
  interface EffectMap {
    /** Keeps the declaration being filled, so it resumes after another command or a restart. */
    "declaration.saveDraft": { personId: number | null; step: string; data: Record<string, unknown> };
    "declaration.dropDraft": { personId: number | null };
    /** Stores the declaration and answers with the personal QR, then starts `next` if given. */
    "declaration.submit": {
      personId: number | null;
      formVersion: number;
      answers: Answers;
      /** The typed ID number, sealed; `answers.idNumber` is its mask (see flow-secrets.ts). */
      idSealed?: string;
      next?: { flow: string; payload: string };
    };
    /** Sends the current personal QR again (null: the account holder's). */
    "declaration.sendQr": { personId: number | null };
    "declaration.addDependent": {
      fullName: string;
      birthYear: number;
      relation: string;
      idNumber: string | null;
    };
    "declaration.removeDependent": { personId: number };
    /** A printable PDF with a QR card for everyone on the account who has a valid declaration. */
    "declaration.dependentCards": Record<never, never>;
  }
}

export type DeclarationEffectType =
  | "declaration.saveDraft"
  | "declaration.dropDraft"
  | "declaration.submit"
  | "declaration.sendQr"
  | "declaration.addDependent"
  | "declaration.removeDependent"
  | "declaration.dependentCards";
