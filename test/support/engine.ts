import pino from "pino";
import { createEngine, type Engine } from "../../bot/core/engine.js";
import type { Flow } from "../../bot/core/types.js";
import { createEffectHandlers } from "../../bot/effects.js";
import { createLanguageFlow } from "../../bot/flows/language.js";
import { createRegistrationFlow } from "../../bot/flows/registration.js";
import type { Database } from "../../db/client.js";
import { i18n } from "./context.js";

/** The dialog engine on a real database, with every flow the app wires. */
export function testEngine(database: Database, opts: { clock?: () => Date; flows?: Flow[] } = {}): Engine {
  return createEngine({
    db: database.db,
    i18n,
    flows: opts.flows ?? [createLanguageFlow(), createRegistrationFlow()],
    effects: createEffectHandlers(),
    clock: opts.clock ?? (() => new Date()),
    timeZone: "Asia/Ho_Chi_Minh",
    logger: pino({ level: "silent" }),
  });
}
