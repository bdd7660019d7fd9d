import { optionCodec } from "../../core/options.js";
import type { Input } from "../../core/types.js";
import type { PickerIds } from "../../shared/place-picker.js";

export const DECLARATION_FLOW = "declaration";
export const FAMILY_FLOW = "family";

/**
 * The declaration's buttons. The ids are the strings sent before the codec existed, so a button of an older
 * message still means what it meant (and the e2e scripts press them by name).
 */
export const declarationOptions = optionCodec(DECLARATION_FLOW, {
  /** An answer: question id, value (a choice, a province or commune code, or the commune list's "more"). */
  a: ["str", "str"],
  /** Tick or untick one item of a multi-select: question id, item. */
  t: ["str", "str"],
  none: [],
  done: [],
  keep: [],
  skip: [],
  back: [],
  confirm: [],
  change: [],
  /** Answer one question again, from the change list: question id. */
  edit: ["str"],
  continue: [],
  summary: [],
  /** The repeat shortcut: "yes" (details unchanged) or "change". */
  same: ["str"],
  /** An interrupted declaration: "go" on with it, or start "new". */
  resume: ["str"],
  /** The web form's button: a link, so its id never comes back. */
  web: [],
});

/** The value of a pressed answer ("a") or tick ("t") button when it belongs to this question. */
export function pressedValue(input: Input, action: "a" | "t", questionId: string): string | undefined {
  const args = declarationOptions.match(input, action);
  return args && args[0] === questionId ? args[1] : undefined;
}

/** A question's commune buttons for the place picker: answers of that question. */
export const answerIds = (questionId: string): PickerIds => ({
  build: (code) => declarationOptions.build("a", questionId, code),
  read: (input) => pressedValue(input, "a", questionId),
});

/** /family: a dependent's buttons carry the person's id. */
export const familyOptions = optionCodec(FAMILY_FLOW, {
  decl: ["int"],
  qr: ["int"],
  rm: ["int"],
  add: [],
  cards: [],
  /** Back to the list: from a question (cancel) or from the removal's confirmation (list). */
  cancel: [],
  list: [],
  rel: ["str"],
  skip: [],
  rmyes: [],
});
