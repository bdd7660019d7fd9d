import type { z } from "zod";
import { localYear } from "./time.js";
import { idNumberSchema, insuranceSchema, nameSchema, placeSchema, shortTextSchema } from "./validators.js";

/**
 * The Ministry of Health domestic declaration, as data. The flow walks this list in order, asking every
 * question whose `when` holds and that has no answer yet; a new FORM_VERSION goes with any change here,
 * and each stored declaration keeps the version it was filled with.
 */
export const FORM_VERSION = 1;

export interface CommuneAnswer {
  /** Official code from admin_units; null when the province had no list loaded and the name was typed. */
  code: string | null;
  name: string;
}
export type Answer = string | number | string[] | Record<string, boolean> | CommuneAnswer | null;
export type Answers = Record<string, Answer>;

/** "details" are carried over to the next declaration; "health" is asked afresh every time. */
export type Group = "details" | "health";

export interface FormEnv {
  now: Date;
  timeZone: string;
}

export interface ChoiceOption {
  value: string;
  /** Offered only when this holds (pregnancy only for women). */
  when?: (a: Answers) => boolean;
}

interface Base {
  id: string;
  group: Group;
  /** Locale keys under declaration:<key>.{ask,label,example,opt.<value>}. */
  key: string;
  when?: (a: Answers) => boolean;
  /** A "skip" button is offered; skipping stores null. */
  optional?: (a: Answers, env: FormEnv) => boolean;
  /** Answers that no longer hold when this one changes (a commune belongs to its province). */
  clears?: string[];
}

export type TextSchema = z.ZodType<string, string>;

export type Question =
  | (Base & { type: "text"; schema: (a: Answers, env: FormEnv) => TextSchema })
  | (Base & { type: "year" })
  | (Base & { type: "choice"; options: ChoiceOption[]; perRow: number })
  | (Base & { type: "multi"; options: ChoiceOption[]; perRow: number })
  /** Several yes/no items on one screen: tick the ones that apply, or "none of these". */
  | (Base & { type: "toggles"; items: string[] })
  | (Base & { type: "province" })
  | (Base & { type: "commune" })
  | (Base & { type: "list"; maxItems: number; schema: TextSchema });

const q = <T extends Question>(x: T) => x;
const opts = (...values: string[]): ChoiceOption[] => values.map((value) => ({ value }));
const isVietnamese = (a: Answers) => a.nationality === "VN";
/** A CCCD is only compulsory from 14 (Law on Identification 2023); younger children may skip it. */
const under14 = (a: Answers, env: FormEnv) =>
  typeof a.birthYear === "number" && localYear(env.now, env.timeZone) - a.birthYear < 14;

export const NATIONALITIES = ["VN", "CN", "KR", "JP", "US", "TW", "LA", "KH", "TH", "other"];
export const SYMPTOMS = ["fever", "cough", "breath", "pneumonia", "soreThroat", "fatigue", "smellTaste"];
export const EXPOSURES = ["covidCase", "outbreakArea", "symptomaticPerson"];

export const FORM: readonly Question[] = [
  q({ id: "fullName", key: "q.fullName", group: "details", type: "text", schema: () => nameSchema }),
  q({ id: "birthYear", key: "q.birthYear", group: "details", type: "year" }),
  q({
    id: "gender",
    key: "q.gender",
    group: "details",
    type: "choice",
    options: opts("male", "female", "other"),
    perRow: 3,
  }),
  q({
    id: "nationality",
    key: "q.nationality",
    group: "details",
    type: "choice",
    options: opts(...NATIONALITIES),
    perRow: 2,
    clears: ["idNumber"],
  }),
  q({
    id: "nationalityOther",
    key: "q.nationalityOther",
    group: "details",
    type: "text",
    when: (a) => a.nationality === "other",
    schema: () => shortTextSchema(60),
  }),
  q({
    id: "idNumber",
    key: "q.idNumber",
    group: "details",
    type: "text",
    optional: under14,
    schema: (a) => idNumberSchema(isVietnamese(a)),
  }),
  q({
    id: "insuranceNo",
    key: "q.insuranceNo",
    group: "details",
    type: "text",
    when: isVietnamese,
    optional: () => true,
    schema: () => insuranceSchema,
  }),
  q({ id: "province", key: "q.province", group: "details", type: "province", clears: ["commune"] }),
  q({ id: "commune", key: "q.commune", group: "details", type: "commune" }),
  q({
    id: "street",
    key: "q.street",
    group: "details",
    type: "text",
    schema: () => shortTextSchema(200),
  }),
  q({ id: "places", key: "q.places", group: "health", type: "list", maxItems: 20, schema: placeSchema }),
  q({
    id: "symptoms",
    key: "q.symptoms",
    group: "health",
    type: "multi",
    options: opts(...SYMPTOMS),
    perRow: 2,
  }),
  q({ id: "exposures", key: "q.exposures", group: "health", type: "toggles", items: EXPOSURES }),
  q({
    id: "chronic",
    key: "q.chronic",
    group: "details",
    type: "multi",
    perRow: 2,
    options: [
      ...opts("liver", "blood", "lung", "kidney", "heart", "hypertension", "immuno", "transplant"),
      ...opts("diabetes", "cancer"),
      { value: "pregnancy", when: (a) => a.gender === "female" },
    ],
  }),
  q({
    id: "vaccineDoses",
    key: "q.vaccineDoses",
    group: "details",
    type: "choice",
    options: opts("0", "1", "2", "3", "4+"),
    perRow: 5,
    optional: () => true,
  }),
];

const byId = new Map(FORM.map((x) => [x.id, x]));

export function questionById(id: string): Question | undefined {
  return byId.get(id);
}

export function applies(question: Question, answers: Answers): boolean {
  return question.when ? question.when(answers) : true;
}

export function isOptional(question: Question, answers: Answers, env: FormEnv): boolean {
  return question.optional ? question.optional(answers, env) : false;
}

export function offeredOptions(options: ChoiceOption[], answers: Answers): ChoiceOption[] {
  return options.filter((o) => !o.when || o.when(answers));
}
