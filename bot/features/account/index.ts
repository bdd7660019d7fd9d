import type { Feature } from "../../core/engine.js";
import { setUserLang, setUserPhone } from "../../shared/users.js";
import { createLanguageFlow } from "./language-flow.js";
import { createRegistrationFlow } from "./registration-flow.js";

/** Language choice and registration: what every other feature builds on. */
export function coreFeature(): Feature {
  return {
    name: "core",
    flows: [createLanguageFlow(), createRegistrationFlow()],
    effects: {
      "user.setLang": async (e, env) => {
        await setUserLang(env.tx, env.user.id, e.lang);
        return undefined;
      },
      "user.setPhone": async (e, env) => {
        await setUserPhone(env.tx, env.user.id, e.phone, env.now);
        return undefined;
      },
    },
  };
}
