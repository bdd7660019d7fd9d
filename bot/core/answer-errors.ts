import type { EffectEnv, EffectHandlers, EffectOutcome } from "./engine.js";
import { text } from "./replies.js";
import type { Effect } from "./types.js";

// biome-ignore lint/suspicious/noExplicitAny: any error class
type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * Wraps a feature's effect handlers so that the refusals its services throw (no role for this scope, a closed
 * group) are answered with a localized message instead of failing the update; other errors still fail it.
 */
export function answerErrors<T extends Partial<EffectHandlers>>(
  handlers: T,
  answers: [ErrorClass, string][],
): T {
  const out: Partial<Record<string, (e: Effect, env: EffectEnv) => Promise<EffectOutcome>>> = {};
  for (const [type, handler] of Object.entries(handlers)) {
    const run = handler as (e: Effect, env: EffectEnv) => Promise<EffectOutcome>;
    out[type] = async (e, env) => {
      try {
        return await run(e, env);
      } catch (err) {
        const answer = answers.find(([cls]) => err instanceof cls);
        if (answer) return [text(env.ctx.t(answer[1]))];
        throw err;
      }
    };
  }
  return out as T;
}
