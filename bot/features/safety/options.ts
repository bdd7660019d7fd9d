import type { Answer } from "./checklist.js";

/** Button ids of the safety feature, built and read in one place (all far under Telegram's 64 bytes). */
export const SAFETY_FLOW = "safety";

const ANSWER_CODE: Record<Answer, string> = { yes: "y", no: "n", na: "x" };

export type SafetyOption =
  | { kind: "start"; checkpointId: number }
  | { kind: "answer"; answer: Answer }
  | { kind: "skipNote" }
  | { kind: "back" }
  | { kind: "save" }
  | { kind: "restart" };

export function safetyOption(o: SafetyOption): string {
  switch (o.kind) {
    case "start":
      return `${SAFETY_FLOW}:start:${o.checkpointId}`;
    case "answer":
      return `${SAFETY_FLOW}:a:${ANSWER_CODE[o.answer]}`;
    case "skipNote":
      return `${SAFETY_FLOW}:skip`;
    case "back":
      return `${SAFETY_FLOW}:back`;
    case "save":
      return `${SAFETY_FLOW}:save`;
    case "restart":
      return `${SAFETY_FLOW}:restart`;
  }
}

export function parseSafetyOption(data: string): SafetyOption | null {
  const start = /^safety:start:(\d{1,15})$/.exec(data);
  if (start) return { kind: "start", checkpointId: Number(start[1]) };
  const a = /^safety:a:([ynx])$/.exec(data);
  if (a) return { kind: "answer", answer: a[1] === "y" ? "yes" : a[1] === "n" ? "no" : "na" };
  if (data === "safety:skip") return { kind: "skipNote" };
  if (data === "safety:back") return { kind: "back" };
  if (data === "safety:save") return { kind: "save" };
  if (data === "safety:restart") return { kind: "restart" };
  return null;
}
