import type { Answers } from "./checklist.js";

/** Effects of the safety feature, run by index.ts inside the update's transaction. */
declare module "../../core/types.js" {
  interface EffectMap {
    "safety.save": { checkpointId: number; answers: Answers };
  }
}

export type SafetyEffectType = "safety.save";
