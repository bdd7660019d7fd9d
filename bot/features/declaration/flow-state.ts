import { z } from "zod";
import type { FlowState } from "../../core/types.js";
import { applicableQuestions } from "./answers.js";
import type { Answers, Group, Question } from "./form.js";
import { DECLARATION_FLOW } from "./options.js";

export const FLOW = DECLARATION_FLOW;

const pick = z.object({ code: z.string(), name: z.string() });
const scope = z.enum(["details", "all"]);

/** What the flow keeps between messages (in the session, and in the draft while answers are given). */
export const dataSchema = z.object({
  /** null: the account holder; else the dependent declared for. */
  personId: z.number().int().nullable(),
  /** The dependent's name, shown above every question; null for the account holder. */
  who: z.string().nullable(),
  answers: z.record(z.string(), z.unknown()),
  /** Questions answered in this sitting, in order: Back walks this. */
  asked: z.array(z.string()),
  /** Ticked options of the multi-select on screen. */
  ticks: z.array(z.string()).optional(),
  /** Places typed so far for the list on screen. */
  items: z.array(z.string()).optional(),
  /** Province or commune buttons on screen, so a press resolves without the database. */
  matches: z.array(pick).optional(),
  /** The page of commune buttons on screen, and whether more matched than were kept. */
  page: z.number().int().min(0).optional(),
  truncated: z.boolean().optional(),
  /** Answering a question picked from a change list: where to go back to once done. */
  editing: scope.optional(),
  /** The change list on screen: the details only (repeat declaration) or every answer (summary). */
  scope: scope.optional(),
  /** The typed ID number, sealed (see flow-secrets.ts); `answers.idNumber` holds only its mask. */
  idSealed: z.string().optional(),
  /** The flow to start once the declaration is sent (a check-in waiting for it), "<flow> <payload>". */
  after: z.string().optional(),
  /** "resume" step: the interrupted declaration, and what "start again" would begin with. */
  draft: z.object({ step: z.string(), data: z.record(z.string(), z.unknown()) }).optional(),
  fresh: z.object({ answers: z.record(z.string(), z.unknown()), same: z.boolean() }).optional(),
});

export type Data = Omit<z.infer<typeof dataSchema>, "answers"> & { answers: Answers };
export type Scope = z.infer<typeof scope>;

export function readData(raw: unknown): Data | null {
  const parsed = dataSchema.safeParse(raw);
  return parsed.success ? (parsed.data as Data) : null;
}

export function stateOf(step: string, data: Data): FlowState {
  return { flow: FLOW, step, data: data as unknown as Record<string, unknown> };
}

const groupsOf = (s: Scope | undefined): Group[] => (s === "details" ? ["details"] : ["details", "health"]);

/** The first question that applies and has no answer yet (within the scope being edited, if any). */
export function nextQuestion(answers: Answers, within?: Scope): Question | undefined {
  const groups = groupsOf(within);
  return applicableQuestions(answers).find((q) => groups.includes(q.group) && !(q.id in answers));
}

/** "(3/14)": where this question stands among those that apply. */
export function progress(q: Question, answers: Answers): string {
  const list = applicableQuestions(answers);
  return `(${list.findIndex((x) => x.id === q.id) + 1}/${list.length})`;
}

export function inScope(q: Question, s: Scope | undefined): boolean {
  return groupsOf(s).includes(q.group);
}
