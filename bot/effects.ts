import type { EffectHandlers } from "./core/engine.js";
import { setUserLang, setUserPhone } from "./services/users.js";

/** Runs each effect a step asks for against the services, inside the update's transaction. */
export function createEffectHandlers(): EffectHandlers {
  return {
    "user.setLang": async (e, env) => {
      await setUserLang(env.tx, env.user.id, e.lang);
      return undefined;
    },
    "user.setPhone": async (e, env) => {
      await setUserPhone(env.tx, env.user.id, e.phone, env.now);
      return undefined;
    },
  };
}
