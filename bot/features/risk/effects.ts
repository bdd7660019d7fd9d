/** Effects of the risk feature, run by index.ts inside the update's transaction. */
declare module "../../core/types.js" {
  interface EffectMap {
    "risk.view": { code: string };
    "risk.find": { typed: string };
    "risk.set": { code: string; level: number; reason: string; effectiveFrom: string };
    "risk.figures": { code: string; population?: number; coverage?: number };
    "risk.import": { fileRef: string; size?: number };
  }
}

export type RiskEffectType = "risk.view" | "risk.find" | "risk.set" | "risk.figures" | "risk.import";
