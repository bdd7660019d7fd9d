import { Writable } from "node:stream";
import { GrammyError, HttpError } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanInput } from "../../../bot/core/clean-input.js";
import { safeError } from "../../../bot/platform/log-errors.js";
import { createLogger } from "../../../bot/platform/logger.js";
import type { Database } from "../../../db/client.js";
import { declarationDrafts, users } from "../../../db/schema/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";

const ID = "001203012345";
const NAME = "Nguyễn Văn An";

function capture() {
  const lines: string[] = [];
  const logger = createLogger({
    level: "debug",
    secrets: [],
    destination: new Writable({
      write(chunk, _e, cb) {
        lines.push(String(chunk));
        cb();
      },
    }),
  });
  return { logger, lines };
}

describe("errors in log lines", () => {
  let fresh: FreshDatabase;
  let database: Database;
  beforeAll(async () => {
    fresh = await freshDatabase();
    database = await fresh.open();
  });
  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  it("a database error keeps its code and SQL but not the parameters (a draft with a NUL and an ID number)", async () => {
    const [user] = await database.db.insert(users).values({}).returning();
    const err = await database.db
      .insert(declarationDrafts)
      .values({
        userId: user!.id,
        subject: "self",
        state: { answers: { fullName: `${NAME}\u0000`, idNumber: ID } },
        updatedAt: new Date(),
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toContain(ID); // what a plain serialiser would have written
    const { logger, lines } = capture();
    logger.error({ err }, "update failed");
    logger.flush();
    await new Promise((r) => setTimeout(r, 20));
    const line = lines.join("");
    expect(line).toContain("declaration_drafts");
    expect(line).not.toContain(ID);
    expect(line).not.toContain(NAME);
    const out = safeError(err);
    expect(out.type).toBe("DrizzleQueryError");
    expect((out.cause as { code?: string }).code).toMatch(/^22|^XX|^08/);
  });

  it("a refused Telegram call keeps method, code and description, not the message it carried", () => {
    const err = new GrammyError(
      "Call to 'sendMessage' failed!",
      { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" },
      "sendMessage",
      { chat_id: 1, text: `${NAME}, 0912 345 678, CCCD ${ID}` },
    );
    const out = safeError(err);
    expect(out).toMatchObject({ method: "sendMessage", error_code: 403, type: "GrammyError" });
    expect(out.description).toBe("Forbidden: bot was blocked by the user");
    expect(JSON.stringify(out)).not.toMatch(/0912|Nguyễn|001203/);
    const net = new HttpError("Network request for 'sendMessage' failed!", new Error("socket hang up"));
    expect(safeError(net)).toMatchObject({ type: "HttpError", error: { message: "socket hang up" } });
  });

  it("a library's message loses what it quotes and any long number", () => {
    const parse = (() => {
      try {
        JSON.parse(`Tôi tên ${NAME} số 0912345678`);
      } catch (e) {
        return e;
      }
    })();
    expect(JSON.stringify(safeError(parse))).not.toMatch(/Nguyễn|0912345678/);
  });

  it("control characters are taken out of what a person sends; line breaks stay", () => {
    expect(cleanInput({ kind: "text", text: "An\u0000 \u0007Bình\nsố 5\u009b\ud800" })).toEqual({
      kind: "text",
      text: "An Bình\nsố 5",
    });
    expect(cleanInput({ kind: "command", command: "start", payload: "cp_\u0000x" })).toEqual({
      kind: "command",
      command: "start",
      payload: "cp_x",
    });
  });
});
