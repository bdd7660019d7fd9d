import type { Tx } from "../../db/client.js";
import { end, text } from "./replies.js";
import { displayShortCode } from "./short-code.js";
import type { Flow } from "./types.js";

export const CODE_FLOW = "code";

/** What a typed short code opens, if it is one of this feature's (a checkpoint's, an invitation's). */
export type CodeResolver = (
  tx: Tx,
  code: string,
  now: Date,
) => Promise<{ flow: string; payload: string } | null>;

interface Loaded {
  target: { flow: string; payload: string } | null;
}

/**
 * A short code sent as text (on Zalo the only way in: there are no deep links), looked up among every
 * feature's codes in turn, then handed to the flow it belongs to.
 */
export function createCodeFlow(resolvers: CodeResolver[]): Flow<Loaded> {
  return {
    name: CODE_FLOW,
    async load(env) {
      const code = env.payload ?? "";
      for (const resolve of resolvers) {
        const target = await resolve(env.tx, code, env.now);
        if (target) return { target };
      }
      return { target: null };
    },
    start(ctx, payload) {
      const { target } = ctx.loaded;
      if (target) return end([], { next: target });
      return end([text(ctx.t("common:unknownCode", { code: displayShortCode(payload) }))]);
    },
    step: () => end([]),
    prompt: () => [],
  };
}
