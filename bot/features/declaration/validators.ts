import { z } from "zod";
import { localYear } from "./time.js";

/**
 * Validation of typed answers. Each issue's message is a key under declaration:errors, its params the
 * values the localized message needs, so the person is told exactly what was wrong, with an example.
 */
export interface AnswerError {
  key: string;
  vars: Record<string, string | number>;
}

const collapse = (s: string) => s.normalize("NFC").trim().replace(/\s+/g, " ");
const compact = (s: string) => s.replace(/[\s.-]/g, "").toUpperCase();

/** The first problem of a failed parse, as a locale key and its variables. */
export function firstError(error: z.ZodError): AnswerError {
  const issue = error.issues[0];
  if (!issue) return { key: "invalid", vars: {} };
  const vars: Record<string, string | number> = {};
  if ("maximum" in issue) vars.max = Number(issue.maximum);
  if ("minimum" in issue) vars.min = Number(issue.minimum);
  const params = (issue as { params?: Record<string, string | number> }).params;
  return { key: issue.message, vars: { ...vars, ...params } };
}

export function shortTextSchema(max: number) {
  return z
    .string()
    .transform(collapse)
    .pipe(z.string().max(max, { error: "tooLong" }).min(2, { error: "tooShort" }));
}

export const nameSchema = z
  .string()
  .transform(collapse)
  .pipe(
    z
      .string()
      .max(100, { error: "tooLong" })
      .min(2, { error: "nameShort" })
      .regex(/^\p{L}[\p{L}\p{M} .'-]*$/u, { error: "nameFormat" }),
  );

export const placeSchema = shortTextSchema(200);

export const MIN_YEAR = 1900;

export function yearSchema(now: Date, timeZone: string) {
  const max = localYear(now, timeZone);
  return z
    .string()
    .transform(collapse)
    .superRefine((s, ctx) => {
      if (s.length > 20) ctx.addIssue({ code: "custom", message: "tooLong", params: { max: 4 } });
      else if (!/^\d{4}$/.test(s)) ctx.addIssue({ code: "custom", message: "yearFormat" });
      else if (Number(s) < MIN_YEAR || Number(s) > max)
        ctx.addIssue({ code: "custom", message: "yearRange", params: { min: MIN_YEAR, max } });
    })
    .transform(Number);
}

/**
 * CCCD (12 digits), old CMND (9 digits) or a passport (Vietnamese: one letter and 7–8 digits; foreign: 6–9
 * letters and digits). A wrong count of digits is named, because that is the usual slip.
 */
export function idNumberSchema(vietnamese: boolean) {
  return z
    .string()
    .transform(compact)
    .superRefine((s, ctx) => {
      if (s.length > 20)
        return void ctx.addIssue({ code: "custom", message: "tooLong", params: { max: 12 } });
      if (/^\d+$/.test(s)) {
        if (s.length === 12 || s.length === 9 || (!vietnamese && s.length >= 6 && s.length <= 9)) return;
        return void ctx.addIssue({ code: "custom", message: "idDigits", params: { count: s.length } });
      }
      if (vietnamese ? /^[A-Z]\d{7,8}$/.test(s) : /^[A-Z0-9]{6,9}$/.test(s)) return;
      ctx.addIssue({ code: "custom", message: vietnamese ? "idFormat" : "passportFormat" });
    });
}

/** Health insurance card: 2 letters and 13 digits (card number) or the 10-digit social insurance code. */
export const insuranceSchema = z
  .string()
  .transform(compact)
  .superRefine((s, ctx) => {
    if (s.length > 20) return void ctx.addIssue({ code: "custom", message: "tooLong", params: { max: 15 } });
    if (!/^[A-Z]{2}\d{13}$/.test(s) && !/^\d{10}$/.test(s))
      ctx.addIssue({ code: "custom", message: "insuranceFormat" });
  });

/** Only the last three characters stay readable once stored. */
