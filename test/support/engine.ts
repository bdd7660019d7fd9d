import pino from "pino";
import { createEngine, type Engine, type Feature } from "../../bot/core/engine.js";
import { accountFeature } from "../../bot/features/account/index.js";
import { usersPort } from "../../bot/shared/users.js";
import type { Database } from "../../db/client.js";
import { i18n } from "./context.js";

/** The dialog engine on a real database, with every flow the app wires. */
export function testEngine(
  database: Database,
  opts: { clock?: () => Date; features?: Feature[] } = {},
): Engine {
  return createEngine({
    db: database.db,
    users: usersPort,
    i18n,
    features: opts.features ?? [accountFeature()],
    clock: opts.clock ?? (() => new Date()),
    timeZone: "Asia/Ho_Chi_Minh",
    logger: pino({ level: "silent" }),
  });
}
