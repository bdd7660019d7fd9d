import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Bot, type Context, type PollingOptions, webhookCallback } from "grammy";

export interface RunningBot {
  /** Stops polling (confirming handled updates) and waits for bot.start() to settle. */
  stop(): Promise<void>;
}

/** Starts long polling and resolves once grammY called onStart (getMe + deleteWebhook done). */
export async function startPolling<C extends Context>(
  bot: Bot<C>,
  opts: Omit<PollingOptions, "onStart"> = {},
): Promise<RunningBot> {
  let running: Promise<void> = Promise.resolve();
  await new Promise<void>((resolve, reject) => {
    running = bot.start({ ...opts, onStart: () => resolve() });
    running.catch(reject);
  });
  return {
    async stop() {
      await bot.stop();
      await running;
    },
  };
}

export interface WebhookServer {
  url: string;
  close(): Promise<void>;
}

/** Serves webhookCallback(bot, "http") from a node:http server on 127.0.0.1. */
export async function serveWebhook<C extends Context>(
  bot: Bot<C>,
  opts: { secretToken?: string; path?: string } = {},
): Promise<WebhookServer> {
  const handle = webhookCallback(bot, "http", { secretToken: opts.secretToken });
  const path = opts.path ?? "/telegram/webhook";
  const server = createServer((req, res) => {
    if (req.url !== path) return void res.writeHead(404).end();
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
