import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Metrics } from "./metrics.js";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface HttpDeps {
  port: number;
  logger: Logger;
  metrics: Metrics;
  ping: () => Promise<boolean>;
  /** POST routes by exact path (webhooks). */
  routes: Map<string, RouteHandler>;
  /** GET routes by exact path (public documents such as `/qr/keys`). */
  getRoutes?: Map<string, RouteHandler>;
}

export interface HttpServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** Webhooks, `/healthz` (the database answers) and `/metrics` on one port. */
export async function startHttpServer(deps: HttpDeps): Promise<HttpServer> {
  const server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    try {
      if (req.method === "GET" && path === "/healthz") {
        const up = await deps.ping();
        return json(res, up ? 200 : 503, { status: up ? "ok" : "unavailable", database: up ? "up" : "down" });
      }
      if (req.method === "GET" && path === "/metrics") {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(deps.metrics.render());
        return;
      }
      const route =
        req.method === "POST"
          ? deps.routes.get(path)
          : req.method === "GET"
            ? deps.getRoutes?.get(path)
            : undefined;
      if (route) return await route(req, res);
      json(res, 404, { error: "not found" });
    } catch (err) {
      deps.logger.error({ err, path }, "http handler failed");
      if (!res.headersSent) json(res, 500, { error: "internal" });
      else res.end();
    }
  });
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(deps.port, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  deps.logger.info({ port }, "http listening");
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
