import { optionCodec } from "../../core/options.js";
import type { Answer } from "./checklist.js";

export const SAFETY_FLOW = "safety";

/** Button ids of the safety feature, through the project's option codec (prefix = the flow's name). */
export const safetyOptions = optionCodec(SAFETY_FLOW, {
  start: ["int"],
  a: ["str"],
  skip: [],
  back: [],
  save: [],
  restart: [],
});

const ANSWER_CODE: Record<Answer, string> = { yes: "y", no: "n", na: "x" };
const CODE_ANSWER: Record<string, Answer> = { y: "yes", n: "no", x: "na" };

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
      return safetyOptions.build("start", o.checkpointId);
    case "answer":
      return safetyOptions.build("a", ANSWER_CODE[o.answer]);
    case "skipNote":
      return safetyOptions.build("skip");
    default:
      return safetyOptions.build(o.kind);
  }
}

export function parseSafetyOption(data: string): SafetyOption | null {
  const o = safetyOptions.parse(data);
  if (!o) return null;
  switch (o.action) {
    case "start":
      return { kind: "start", checkpointId: o.args[0] };
    case "a": {
      const answer = CODE_ANSWER[o.args[0]];
      return answer ? { kind: "answer", answer } : null;
    }
    case "skip":
      return { kind: "skipNote" };
    default:
      return { kind: o.action };
  }
}
