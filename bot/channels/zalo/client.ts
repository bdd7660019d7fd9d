import type { Logger } from "pino";
import type { ZaloMessage } from "./messages.js";

/** Zalo answers HTTP 200 with a non-zero `error` when a call fails. */
export class ZaloApiError extends Error {
  override readonly name = "ZaloApiError";
  constructor(
    readonly code: number,
    message: string,
    readonly path: string,
  ) {
    super(`Zalo ${path}: ${code} ${message}`);
  }
}

/** The call did not get an answer from Zalo (network, timeout, 5xx): it may succeed later. */
export class ZaloUnavailableError extends Error {
  override readonly name = "ZaloUnavailableError";
}

/** "Access token is invalid" (-216), "expired or removed" (-220), and -124 of the template API. */
export const AUTH_ERRORS = new Set([-216, -220, -124]);

/** The access token to use now, and a fresh one when Zalo refused `stale`. */
export interface TokenSource {
  current(): Promise<string>;
  refresh(stale: string): Promise<string>;
}

export interface ZaloClientDeps {
  apiRoot: string;
  tokens: TokenSource;
  logger: Logger;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Waits between attempts after a network error or 5xx (its length is the number of retries). */
  backoffMs?: number[];
}

export interface ZaloClient {
  sendMessage(userId: string, message: ZaloMessage): Promise<{ messageId?: string }>;
  /** JPEG or PNG up to 1 MB; the id is valid for a week. */
  uploadImage(bytes: Uint8Array, fileName: string, mimeType: string): Promise<string>;
  /** PDF, DOC, DOCX or CSV up to 5 MB; returns the file token. */
  uploadFile(bytes: Uint8Array, fileName: string, mimeType: string): Promise<string>;
}

interface Envelope {
  error?: number;
  message?: string;
  data?: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A thin client for the Official Account Open API: the token goes in an `access_token` header. */
export function createZaloClient(deps: ZaloClientDeps): ZaloClient {
  const doFetch = deps.fetch ?? fetch;
  const backoff = deps.backoffMs ?? [300, 1500];

  async function once(
    path: string,
    token: string,
    body: () => RequestInit["body"],
    json: boolean,
  ): Promise<Envelope> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await doFetch(`${deps.apiRoot}${path}`, {
          method: "POST",
          headers: { access_token: token, ...(json ? { "content-type": "application/json" } : {}) },
          body: body(),
          signal: AbortSignal.timeout(deps.timeoutMs ?? 20_000),
        });
        if (res.status >= 500) throw new ZaloUnavailableError(`Zalo ${path}: HTTP ${res.status}`);
        const text = await res.text();
        try {
          return JSON.parse(text) as Envelope;
        } catch {
          throw new ZaloApiError(res.status, `not JSON (HTTP ${res.status})`, path);
        }
      } catch (err) {
        if (err instanceof ZaloApiError) throw err;
        const wait = backoff[attempt];
        if (wait === undefined) {
          throw err instanceof ZaloUnavailableError
            ? err
            : new ZaloUnavailableError(`Zalo ${path}: ${String(err)}`, { cause: err });
        }
        deps.logger.warn({ path, attempt, err }, "zalo call failed, retrying");
        await sleep(wait);
      }
    }
  }

  /** Calls once with the current token; on an auth error refreshes it and calls once more. */
  async function call(
    path: string,
    body: () => RequestInit["body"],
    json: boolean,
  ): Promise<Record<string, unknown>> {
    let token = await deps.tokens.current();
    for (let retried = false; ; retried = true) {
      const env = await once(path, token, body, json);
      const code = Number(env.error ?? 0);
      if (code === 0) return env.data ?? {};
      if (AUTH_ERRORS.has(code) && !retried) {
        deps.logger.info({ path, code }, "zalo token refused, refreshing");
        token = await deps.tokens.refresh(token);
        continue;
      }
      throw new ZaloApiError(code, env.message ?? "", path);
    }
  }

  const upload = async (path: string, bytes: Uint8Array, fileName: string, mimeType: string) =>
    call(
      path,
      () => {
        const form = new FormData();
        form.append("file", new Blob([bytes], { type: mimeType }), fileName);
        return form;
      },
      false,
    );

  return {
    async sendMessage(userId, message) {
      const data = await call(
        "/v3.0/oa/message/cs",
        () => JSON.stringify({ recipient: { user_id: userId }, message }),
        true,
      );
      return { messageId: typeof data.message_id === "string" ? data.message_id : undefined };
    },
    async uploadImage(bytes, fileName, mimeType) {
      const data = await upload("/v2.0/oa/upload/image", bytes, fileName, mimeType);
      if (typeof data.attachment_id !== "string")
        throw new ZaloApiError(-1, "no attachment_id", "upload/image");
      return data.attachment_id;
    },
    async uploadFile(bytes, fileName, mimeType) {
      const data = await upload("/v2.0/oa/upload/file", bytes, fileName, mimeType);
      if (typeof data.token !== "string") throw new ZaloApiError(-1, "no token", "upload/file");
      return data.token;
    },
  };
}

export interface FreshTokens {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

/**
 * Trades the refresh token for a new pair (`POST /v4/oa/access_token`, the app secret in a `secret_key`
 * header). Never retried: once Zalo has answered, the old refresh token is spent whatever we received.
 */
export async function refreshZaloTokens(opts: {
  oauthRoot: string;
  appId: string;
  appSecret: string;
  refreshToken: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): Promise<FreshTokens> {
  const path = "/v4/oa/access_token";
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(`${opts.oauthRoot}${path}`, {
      method: "POST",
      headers: { secret_key: opts.appSecret, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        refresh_token: opts.refreshToken,
        app_id: opts.appId,
        grant_type: "refresh_token",
      }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
    });
  } catch (err) {
    throw new ZaloUnavailableError(`Zalo ${path}: ${String(err)}`, { cause: err });
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  const expires = Number(body.expires_in);
  if (typeof body.access_token !== "string" || typeof body.refresh_token !== "string" || !(expires > 0)) {
    const reason = [body.error_name, body.error_description, body.message].filter(Boolean).join(": ");
    throw new ZaloApiError(Number(body.error ?? res.status), reason || `HTTP ${res.status}`, path);
  }
  return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresInSeconds: expires };
}
