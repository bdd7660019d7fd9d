import type { IncomingMessage } from "node:http";
import type { Logger } from "pino";
import { BodyTooLargeError, json, type RouteHandler, readBody } from "../../platform/http.js";
import type { Metrics } from "../../platform/metrics.js";
import { toZaloEvent, type ZaloEvent } from "./events.js";
import { verifyZaloSignature } from "./signature.js";

export interface ZaloWebhookDeps {
  appId: string;
  oaId?: string;
  secret: string;
  clock: () => Date;
  logger: Logger;
  metrics: Metrics;
  /** Signed events older than this are refused (a replayed capture). */
  maxAgeMs: number;
  /** Zalo wants an answer within 2 s: answer after the event's transaction commits, or after this. */
  ackWithinMs: number;
  /**
   * Starts handling a verified event; `committed` settles once its effects are stored, or it failed for
   * good, or it failed for now (`retry`: answered 503 so that a re-delivery is welcome; retried meanwhile).
   */
  handle(event: ZaloEvent): { committed: Promise<"stored" | "retry" | "failed"> };
}

const MAX_BODY_BYTES = 1024 * 1024;

const header = (req: IncomingMessage, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Waits for `p` or `ms`, whichever comes first, leaving no timer behind; undefined after `ms`. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const got = await Promise.race([
    p.catch(() => undefined),
    new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms))),
  ]);
  clearTimeout(timer);
  return got;
}

/**
 * POST /zalo/webhook: verifies `X-ZEvent-Signature` over the raw body, refuses bad (401) and stale (403)
 * deliveries, and hands each event to `handle`. The answer is 200 once the event is stored or after
 * `ackWithinMs`, so Zalo never times out; replies go out after the answer.
 */
export function createZaloWebhook(deps: ZaloWebhookDeps): RouteHandler {
  const ids = [deps.appId, ...(deps.oaId ? [deps.oaId] : [])];
  return async (req, res) => {
    let raw: string;
    try {
      raw = (await readBody(req, MAX_BODY_BYTES)).toString("utf8");
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        res.setHeader("connection", "close");
        return json(res, 413, { error: "too large" });
      }
      throw err;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    const signature = header(req, "x-zevent-signature");
    // Zalo checks a webhook URL when it is saved with an unsigned empty object: answered, never acted on.
    if (!signature && body !== undefined && Object.keys(fields).length === 0) return json(res, 200, {});
    const ts = fields.timestamp;
    const verdict = verifyZaloSignature({
      header: signature,
      rawBody: raw,
      timestamp: typeof ts === "string" || typeof ts === "number" ? String(ts) : undefined,
      headerTimestamp: header(req, "x-zevent-timestamp"),
      ids,
      secret: deps.secret,
      now: deps.clock(),
      maxAgeMs: deps.maxAgeMs,
    });
    if (!verdict.ok) {
      deps.metrics.inc("zalo_webhook_rejected_total");
      deps.logger.warn({ reason: verdict.reason, event: fields.event_name }, "zalo webhook refused");
      return json(res, verdict.reason === "stale" ? 403 : 401, { error: `signature ${verdict.reason}` });
    }
    if (body === undefined) return json(res, 400, { error: "not JSON" });
    const event = toZaloEvent(body);
    if (!event || (deps.oaId && event.oaId && event.oaId !== deps.oaId)) {
      deps.logger.debug({ event: fields.event_name }, "zalo event ignored");
      return json(res, 200, { ok: true });
    }
    const outcome = await within(deps.handle(event).committed, deps.ackWithinMs);
    if (outcome === "retry") return json(res, 503, { error: "try again" });
    json(res, 200, { ok: true });
  };
}
