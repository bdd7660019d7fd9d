import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import type { Logger } from "pino";
import type { Db } from "../../../db/client.js";
import type { Engine } from "../../core/engine.js";
import { DEFAULT_LANG, type I18n, langFromCode } from "../../core/i18n.js";
import type { RouteHandler } from "../../platform/http.js";
import type { DeclarationService, WebLinkSource } from "../declaration/index.js";
import { createApi } from "./api.js";
import { HttpError, readJson, securityHeaders, sendJson } from "./http-io.js";
import { createRateLimit } from "./rate-limit.js";

export interface WebAppDeps {
  db: Db;
  i18n: I18n;
  declaration: DeclarationService;
  /** WEBAPP_URL: the public address that reaches PORT, without a trailing slash. */
  baseUrl: string;
  botToken?: string;
  timeZone: string;
  clock: () => Date;
  logger: Logger;
  engine?: Pick<Engine, "handle">;
}

export interface WebApp {
  /** GET routes: the page and its two files. */
  pages: Map<string, RouteHandler>;
  /** POST routes: the page's API. */
  api: Map<string, RouteHandler>;
  /** The links a declaration's start offers. */
  webLink: WebLinkSource;
}

const STATIC = new URL("./static/", import.meta.url);

interface Asset {
  type: string;
  plain: Buffer;
  gzip: Buffer;
}

function asset(name: string, type: string): Asset {
  const plain = readFileSync(new URL(name, STATIC));
  return { type, plain, gzip: gzipSync(plain, { level: 9 }) };
}

function serve(a: Asset): RouteHandler {
  return (req: IncomingMessage, res: ServerResponse) => {
    securityHeaders(res);
    const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    const body = gzip ? a.gzip : a.plain;
    res.writeHead(200, {
      "content-type": a.type,
      "content-length": body.length,
      "cache-control": "no-cache",
      vary: "accept-encoding",
      ...(gzip ? { "content-encoding": "gzip" } : {}),
    });
    res.end(req.method === "HEAD" ? undefined : body);
  };
}

/**
 * The declaration as one web page on the bot's own HTTP server: opened from Telegram as a Mini App (its init
 * data signed with the bot token) or from any chat by a one-time link the bot signed. Nothing else gets in.
 */
export function createWebApp(deps: WebAppDeps): WebApp {
  const api = createApi({
    ...deps,
    limits: {
      requests: createRateLimit(120, 60_000),
      submits: createRateLimit(10, 10 * 60_000),
    },
  });
  const origin = new URL(deps.baseUrl).origin;

  const handle =
    (run: (req: IncomingMessage, body: unknown) => Promise<unknown>): RouteHandler =>
    async (req, res) => {
      const lang = langFromCode(String(req.headers["accept-language"] ?? "").split(",")[0]) ?? DEFAULT_LANG;
      try {
        // A request from another site's page carries its Origin: refused before anything is read.
        const from = req.headers.origin;
        if (from !== undefined && from !== origin) throw new HttpError(403, "foreign");
        const body = await readJson(req);
        sendJson(res, 200, await run(req, body));
      } catch (err) {
        if (!(err instanceof HttpError)) {
          deps.logger.error({ err, path: req.url?.split("?")[0] }, "web app request failed");
          return sendJson(res, 500, {
            error: "internal",
            message: deps.i18n.t(lang)("webapp:errors.internal"),
          });
        }
        deps.logger.info({ status: err.status, error: err.key }, "web app request refused");
        // The body is not read to its end on an early refusal; the connection is closed after the answer.
        if (err.status === 413) res.setHeader("connection", "close");
        sendJson(res, err.status, { error: err.key, message: deps.i18n.t(lang)(`webapp:errors.${err.key}`) });
      }
    };
  const auth = (req: IncomingMessage) => req.headers.authorization;

  const page = asset("index.html", "text/html; charset=utf-8");
  return {
    pages: new Map([
      ["/app", serve(page)],
      ["/app/", serve(page)],
      ["/app/app.js", serve(asset("app.js", "text/javascript; charset=utf-8"))],
      ["/app/app.css", serve(asset("app.css", "text/css; charset=utf-8"))],
    ]),
    api: new Map<string, RouteHandler>([
      ["/app/api/session", handle((req, body) => api.session(auth(req), body))],
      ["/app/api/form", handle((req, body) => api.form(auth(req), body))],
      ["/app/api/check", handle((req, body) => api.check(auth(req), body))],
      ["/app/api/submit", handle((req, body) => api.submit(auth(req), body))],
      ["/app/api/scan", handle((req, body) => api.scanned(auth(req), body, "staff"))],
      ["/app/api/checkin", handle((req, body) => api.scanned(auth(req), body, "visitor"))],
    ]),
    webLink: (tx, userId, personId, now, channel) =>
      api.links(tx, deps.baseUrl, userId, personId, channel, now),
  };
}
