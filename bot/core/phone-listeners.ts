import type { EffectEnv, EffectOutcome, Feature } from "./engine.js";
import type { Reply } from "./types.js";

/** Something to do when a person's verified phone is stored (e.g. link what waited for that number). */
export type PhoneListener = (env: EffectEnv, phone: string) => Promise<Reply[]>;

function withReplies(outcome: EffectOutcome, extra: Reply[]): EffectOutcome {
  if (extra.length === 0) return outcome;
  if (outcome === undefined) return extra;
  if (Array.isArray(outcome)) return [...outcome, ...extra];
  return { ...outcome, replies: [...(outcome.replies ?? []), ...extra] };
}

/**
 * The feature (the core one) with listeners run after its `user.setPhone` handler, in the same
 * transaction; their replies follow the handler's. The engine keeps one handler per effect type, so
 * features hook into registration through this wrapper instead of replacing the handler.
 */
export function withPhoneListeners(feature: Feature, listeners: PhoneListener[]): Feature {
  const original = feature.effects?.["account.setPhone"];
  if (!original) throw new Error(`feature ${feature.name} has no account.setPhone handler`);
  return {
    ...feature,
    effects: {
      ...feature.effects,
      "account.setPhone": async (e, env) => {
        const outcome = await original(e, env);
        const extra: Reply[] = [];
        for (const listen of listeners) extra.push(...(await listen(env, e.phone)));
        return withReplies(outcome, extra);
      },
    },
  };
}
