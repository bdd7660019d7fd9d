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
  /** POST routes by exact path (webhooks, the web page's API). */
  routes: Map<string, RouteHandler>;
  /** GET (and HEAD) routes by exact path (the web page). */
  pages?: Map<string, RouteHandler>;
}

export interface HttpServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** A request body over its cap; answer 413 and close the connection (the rest is not read). */
export class BodyTooLargeError extends Error {}

/**
 * The request's body, refused past `max` bytes (by its content-length when it says so, else as it arrives).
 * Read with events rather than `for await`, whose async iteration cost a webhook update more than the rest
 * of reading it.
 */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > max) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total <= max) return void chunks.push(chunk);
      req.off("data", onData);
      req.pause();
      reject(new BodyTooLargeError());
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

/**
 * A whole response in one write. A response begun with writeHead goes out in pieces (chunked without a
 * content-length: headers, chunk size, body and trailer as separate socket writes; with one, still an empty
 * write after the body) — about a sixth of a check-in's CPU went on the webhook's `{"ok":true}` that way.
 */
export function sendBody(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
): void {
  // Headers set (not written with writeHead) and the body given to end(): Node writes them together and
  // adds the content-length itself.
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body);
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  sendBody(res, status, { "content-type": "application/json", ...headers }, JSON.stringify(body));
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
        sendBody(res, 200, { "content-type": "text/plain; version=0.0.4" }, deps.metrics.render());
        return;
      }
      const route =
        req.method === "POST"
          ? deps.routes.get(path)
          : req.method === "GET" || req.method === "HEAD"
            ? deps.pages?.get(path)
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
