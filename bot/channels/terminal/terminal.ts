import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Logger } from "pino";
import QRCode from "qrcode";
import type { Engine } from "../../core/engine.js";
import { DEFAULT_LANG, type Lang } from "../../core/i18n.js";
import type { Input, Option, Reply } from "../../core/types.js";
import { terminalFiles } from "./files.js";

export interface TerminalDeps {
  engine: Engine;
  logger: Logger;
  input: Readable;
  output: Writable;
  /** Where pictures and documents the bot sends are saved. */
  outDir: string;
  onClose?: () => void;
}

export interface TerminalChat {
  /** Resolves once every line typed so far has been answered. */
  idle(): Promise<void>;
  /** Shows messages that did not answer a line (reminders, alerts from the outbox). */
  show(replies: Reply[]): Promise<void>;
  close(): void;
}

interface Pending {
  options: Option[];
  wantsContact: boolean;
}

const IMAGE = new Set([".png", ".jpg", ".jpeg", ".webp"]);

/** Reads a typed line as the input a chat app would have sent. */
export function readLine(line: string, pending: Pending): Input | null {
  const s = line.trim();
  if (!s) return null;
  const cmd = /^\/([a-z_]+)(?:@\S+)?(?:\s+(.*))?$/i.exec(s);
  if (cmd) return { kind: "command", command: cmd[1]!.toLowerCase(), payload: cmd[2]?.trim() ?? "" };
  if (/^\d{1,2}$/.test(s) && pending.options.length > 0) {
    const option = pending.options[Number(s) - 1];
    if (option) return { kind: "option", data: option.id };
  }
  // The terminal belongs to the person typing, so a typed number is their own.
  if (pending.wantsContact && /^[+\d\s().-]{6,}$/.test(s)) return { kind: "contact", phone: s, own: true };
  const path = resolve(s.replace(/^["']|["']$/g, ""));
  if (IMAGE.has(extname(path).toLowerCase()) && existsSync(path)) return { kind: "photo", fileRef: path };
  return { kind: "text", text: s };
}

/** A local chat: buttons become numbered options, pictures are saved and QR codes drawn as text. */
export function startTerminalChat(deps: TerminalDeps): TerminalChat {
  const out = (s: string) => deps.output.write(`${s}\n`);
  let pending: Pending = { options: [], wantsContact: false };
  let lang: Lang = DEFAULT_LANG;
  let queue = Promise.resolve();
  let saved = 0;
  const files = terminalFiles();

  async function render(reply: Reply) {
    const t = deps.engine.t(lang);
    if (reply.kind === "text") {
      out(`\n🤖 ${reply.text}`);
      const all = reply.options?.flat() ?? [];
      for (const o of all) if (o.url) out(`   🔗 ${o.label}: ${o.url}`);
      const options = all.filter((o) => !o.url);
      for (const [i, o] of options.entries()) out(`   ${i + 1}) ${o.label}`);
      if (reply.requestContact) out(`   📱 ${t("terminal:typePhone")}`);
      if (options.length) pending = { options, wantsContact: false };
      else if (reply.requestContact) pending = { options: [], wantsContact: true };
      else if (!reply.edit) pending = { options: [], wantsContact: false };
      return;
    }
    // The terminal has no command menu to set.
    if (reply.kind === "menu") return;
    mkdirSync(deps.outDir, { recursive: true });
    saved += 1;
    const name = reply.kind === "photo" ? (reply.fileName ?? `picture-${saved}.png`) : reply.fileName;
    const path = join(deps.outDir, name);
    writeFileSync(path, reply.kind === "photo" ? reply.png : reply.bytes);
    if (reply.kind === "photo" && reply.qr)
      out(await QRCode.toString(reply.qr, { type: "terminal", small: true }));
    if (reply.caption) out(`🤖 ${reply.caption}`);
    out(`   ${t("terminal:savedFile", { path })}`);
    const options = reply.kind === "photo" ? (reply.options?.flat() ?? []) : [];
    for (const [i, o] of options.entries()) out(`   ${i + 1}) ${o.label}`);
    if (options.length) pending = { options, wantsContact: false };
  }

  async function send(input: Input) {
    try {
      const result = await deps.engine.handle({
        channel: "terminal",
        externalUserId: "local",
        chatId: "local",
        input,
        files,
      });
      lang = result.lang;
      for (const reply of result.replies) await render(reply);
    } catch (err) {
      deps.logger.error({ err }, "terminal input failed");
      out(`\n🤖 ${deps.engine.t(lang)("common:error")}`);
    }
    deps.output.write("> ");
  }

  const rl = createInterface({ input: deps.input, terminal: false });
  rl.on("line", (line) => {
    queue = queue.then(() => {
      const input = readLine(line, pending);
      if (input) return send(input);
      deps.output.write("> ");
    });
  });
  rl.on("close", () => {
    void queue.then(() => deps.onClose?.());
  });

  out(deps.engine.t(lang)("terminal:banner"));
  queue = queue.then(() => send({ kind: "command", command: "start", payload: "" }));
  const show = (replies: Reply[]) => {
    queue = queue.then(async () => {
      for (const reply of replies) await render(reply);
      deps.output.write("> ");
    });
    return queue;
  };
  return { idle: () => queue, show, close: () => rl.close() };
}
