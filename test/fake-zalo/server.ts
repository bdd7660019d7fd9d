import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeTokens, type TokenOptions, type ZaloErrorBody } from "./tokens.js";
import { checkMessage, checkUpload, type UploadedAsset } from "./validation.js";

export interface RecordedCall {
  path: string;
  /** Parsed JSON, or the form fields of an upload or token request (file fields as their names). */
  body: unknown;
  accessToken?: string;
  /** Zalo's `error` (0 on success), or the HTTP status of an injected HTTP failure. */
  error: number;
  status: number;
  at: Date;
}

export interface SentMessage {
  userId: string;
  messageId: string;
  /** The `message` object exactly as the bot sent it. */
  message: { text?: string; attachment?: { type: string; payload: Record<string, unknown> } };
}

export interface Failure {
  /** A Zalo error (HTTP 200), or an HTTP status for a broken gateway. */
  error?: number;
  message?: string;
  status?: number;
  times?: number;
}

export interface FakeZaloOptions extends TokenOptions {
  /** Refuse messages to users who have not interacted within 7 days (-230), as Zalo does. Default true. */
  enforceWindow?: boolean;
}

export interface FakeZalo {
  /** Everything goes here: ZALO_API_ROOT. */
  apiRoot: string;
  appId: string;
  appSecret: string;
  oaId: string;
  /** The key Zalo signs webhooks with (the OA secret key). */
  webhookSecret: string;
  /** The environment that points the bot at this fake with its first token pair. */
  env: Record<string, string>;
  tokens: FakeTokens;
  calls: RecordedCall[];
  sent: SentMessage[];
  assets: Map<string, UploadedAsset>;
  /** Users' last interactions as Zalo counts them (the webhook helper records them). */
  interactions: Map<string, Date>;
  /** The next `times` calls to `path` fail this way. */
  fail(path: string, failure: Failure): void;
  /** Serves bytes at a URL the bot can download, as Zalo's CDN does for a photo; `chunked` omits the length. */
  serveFile(bytes: Buffer, opts?: { contentType?: string; chunked?: boolean }): string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

const send = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

/** A real HTTP fake of the Zalo OA Open API: messages, uploads, token refresh, files to download. */
export async function startFakeZalo(opts: FakeZaloOptions = {}): Promise<FakeZalo> {
  const now = () => (opts.now ?? (() => new Date()))();
  const tokens = new FakeTokens(opts);
  const calls: RecordedCall[] = [];
  const sent: SentMessage[] = [];
  const assets = new Map<string, UploadedAsset>();
  const interactions = new Map<string, Date>();
  const failures = new Map<string, Failure[]>();
  const files = new Map<string, { bytes: Buffer; contentType: string; chunked: boolean }>();
  const app = { id: "3608465248940903967", secret: "fake_app_secret_Xq81", oaId: "388613280878808645" };
  const webhookSecret = "fake_oa_secret_Kd02";
  const id = () => randomBytes(10).toString("hex");

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method === "GET" && path.startsWith("/files/")) {
      const file = files.get(path.slice("/files/".length));
      if (!file) return void res.writeHead(404).end();
      const headers: Record<string, string | number> = { "content-type": file.contentType };
      if (!file.chunked) headers["content-length"] = file.bytes.length;
      res.writeHead(200, headers);
      for (let i = 0; i < file.bytes.length && !res.destroyed; i += 64 * 1024) {
        if (!res.write(file.bytes.subarray(i, i + 64 * 1024))) await new Promise((r) => res.once("drain", r));
      }
      return void res.end();
    }
    const raw = await readBody(req);
    const contentType = req.headers["content-type"] ?? "";
    const accessToken = typeof req.headers.access_token === "string" ? req.headers.access_token : undefined;
    let body: unknown = {};
    let form: FormData | undefined;
    if (contentType.startsWith("application/json")) body = JSON.parse(raw.toString("utf8") || "{}");
    else if (contentType.startsWith("application/x-www-form-urlencoded"))
      body = Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
    else if (contentType.startsWith("multipart/form-data")) {
      form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
      body = Object.fromEntries([...form.entries()].map(([k, v]) => [k, typeof v === "string" ? v : v.name]));
    }
    const record = (error: number, status = 200) =>
      calls.push({ path, body, accessToken, error, status, at: now() });
    const answer = (out: unknown) => {
      const error =
        typeof out === "object" && out && "error" in out ? Number((out as ZaloErrorBody).error) : 0;
      record(error);
      send(res, 200, out);
    };

    const queued = failures.get(path);
    const failure = queued?.[0];
    if (failure && queued) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) queued.shift();
      if (failure.status) {
        record(failure.status, failure.status);
        return void send(res, failure.status, { message: "injected" });
      }
      return answer({ error: failure.error ?? -200, message: failure.message ?? "Send message failed" });
    }

    if (path === "/v4/oa/access_token" && req.method === "POST") {
      const secretKey = typeof req.headers.secret_key === "string" ? req.headers.secret_key : undefined;
      return answer(tokens.refresh(new URLSearchParams(raw.toString("utf8")), secretKey, app));
    }
    const refused = tokens.check(accessToken);
    if (refused) return answer(refused);

    if (path === "/v3.0/oa/message/cs" && req.method === "POST") {
      const problem = checkMessage(body, assets);
      if (problem) return answer(problem);
      const msg = body as { recipient: { user_id: string }; message: SentMessage["message"] };
      const userId = msg.recipient.user_id;
      const last = interactions.get(userId);
      if ((opts.enforceWindow ?? true) && (!last || now().getTime() - last.getTime() > 7 * 24 * 3600_000))
        return answer({ error: -230, message: "User has not interacted with the OA in the past 7 days" });
      const messageId = id();
      sent.push({ userId, messageId, message: msg.message });
      return answer({ error: 0, message: "Success", data: { message_id: messageId, user_id: userId } });
    }
    const upload =
      path === "/v2.0/oa/upload/image" ? "image" : path === "/v2.0/oa/upload/file" ? "file" : null;
    if (upload && req.method === "POST") {
      const file = form?.get("file");
      if (!file || typeof file === "string") return answer({ error: -201, message: "file is invalid!" });
      const bytes = Buffer.from(await file.arrayBuffer());
      const problem = checkUpload(upload, bytes, file.name);
      if (problem) return answer(problem);
      const key = id();
      assets.set(key, { kind: upload, bytes, fileName: file.name, mimeType: file.type });
      return answer({
        error: 0,
        message: "Success",
        data: upload === "image" ? { attachment_id: key } : { token: key },
      });
    }
    record(404, 404);
    send(res, 404, { error: 404, message: "not found" });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { message: String(err) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiRoot,
    appId: app.id,
    appSecret: app.secret,
    oaId: app.oaId,
    webhookSecret,
    env: {
      ZALO_APP_ID: app.id,
      ZALO_APP_SECRET: app.secret,
      ZALO_OA_ID: app.oaId,
      ZALO_OA_ACCESS_TOKEN: tokens.first.accessToken,
      ZALO_REFRESH_TOKEN: tokens.first.refreshToken,
      ZALO_WEBHOOK_SECRET: webhookSecret,
      ZALO_API_ROOT: apiRoot,
    },
    tokens,
    calls,
    sent,
    assets,
    interactions,
    fail(path, failure) {
      failures.set(path, [...(failures.get(path) ?? []), { ...failure }]);
    },
    serveFile(bytes, o = {}) {
      const key = id();
      files.set(key, { bytes, contentType: o.contentType ?? "image/jpeg", chunked: o.chunked ?? false });
      return `${apiRoot}/files/${key}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
