import type { Feature } from "../../core/engine.js";
import { setUserLang, setUserPhone } from "../../shared/users.js";
import { createLanguageFlow } from "./language-flow.js";
import { createRegistrationFlow } from "./registration-flow.js";

/** Language choice and registration: what every other feature builds on. */
export function accountFeature(): Feature {
  return {
    name: "account",
    flows: [createLanguageFlow(), createRegistrationFlow()],
    userEffects: ["account.setLang", "account.setPhone"],
    effects: {
      "account.setLang": async (e, env) => {
        await setUserLang(env.tx, env.user.id, e.lang);
        return undefined;
      },
      "account.setPhone": async (e, env) => {
        await setUserPhone(env.tx, env.user.id, e.phone, env.now);
        return undefined;
      },
    },
  };
}
