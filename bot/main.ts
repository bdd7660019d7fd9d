import { pathToFileURL } from "node:url";
import { type App, type AppOptions, NoChannelError, startApp } from "./app.js";
import { ConfigError, loadConfig } from "./platform/config.js";

/** The entry point of `npm start`; tests call it too, with their own environment. */
export async function main(env: Record<string, string | undefined>, opts: AppOptions = {}): Promise<App> {
  return startApp(loadConfig(env), opts);
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  try {
    let app: App | undefined;
    const shutdown = (reason: string) => {
      app?.logger.info({ reason }, "stopping");
      void (app?.stop() ?? Promise.resolve()).then(() => process.exit(0));
    };
    app = await main(process.env, { onTerminalClose: () => shutdown("end of input") });
    process.once("SIGINT", () => shutdown("SIGINT"));
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.on("unhandledRejection", (err) => app?.logger.error({ err }, "unhandled rejection"));
    // The last resort: state may be broken, so log and exit non-zero for the supervisor to restart us.
    process.on("uncaughtException", (err) => {
      app?.logger.fatal({ err }, "uncaught exception, exiting");
      app?.logger.flush();
      if (!app) console.error(err);
      process.exit(70);
    });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof NoChannelError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}
