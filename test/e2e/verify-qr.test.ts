import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderQrPng } from "../../bot/render/qr-image.js";
import { generateSeed, parseSigningKey, signingKeyFrom } from "../../bot/shared/qr/signing-keys.js";
import { signQrToken } from "../../bot/shared/qr/token.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";

const DAY = 86_400_000;

/** `npm run verify-qr` as a user runs it, with no database in its environment. */
function verifyQr(args: string[]): Promise<{ code: number; out: string }> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/verify-qr.ts", ...args],
      { env, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? Number((err as { code?: number }).code ?? 1) : 0;
        resolve({ code, out: `${stdout}${stderr}` });
      },
    );
  });
}

describe("offline verification of personal QR codes", () => {
  let bot: TestBot;
  let dir: string;
  let keysFile: string;
  const seed = generateSeed();
  const key = signingKeyFrom(parseSigningKey(seed));
  const claims = (expiresInDays: number) => ({
    subject: "AAAAAAAAAAAAAA",
    declarationId: 42,
    issuedAt: new Date(Date.now() - DAY),
    expiresAt: new Date(Date.now() + expiresInDays * DAY),
  });

  beforeAll(async () => {
    bot = await startTestBot({ env: { PORT: "0", QR_SIGNING_KEY: seed } });
    dir = mkdtempSync(join(tmpdir(), "i12-verify-"));
    keysFile = join(dir, "qr-keys.json");
  });
  afterAll(async () => {
    await bot?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("GET /qr/keys serves the current public key with its id and algorithm", async () => {
    const res = await fetch(`http://127.0.0.1:${bot.app.http!.port}/qr/keys`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { keys: unknown[] };
    expect(doc).toMatchObject({ format: "hd-qr-keys/1", tokenPrefix: "HD:", tokenValidDays: 7 });
    expect(doc.keys).toContainEqual(
      expect.objectContaining({ kid: key.keyId, alg: "Ed25519", status: "current" }),
    );
    expect(JSON.stringify(doc)).not.toContain(seed);
    writeFileSync(keysFile, JSON.stringify(doc));
  });

  it("accepts a genuine code (token and photo) and refuses a tampered, a foreign-key and an expired one", async () => {
    const genuine = signQrToken(claims(7), key);
    const ok = await verifyQr([genuine, "--keys", keysFile]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toContain("VALID: declaration 42");

    const photo = join(dir, "qr.png");
    writeFileSync(photo, await renderQrPng(genuine));
    expect(await verifyQr([photo, "--keys", keysFile])).toMatchObject({ code: 0 });

    // One character of the signed body changed.
    const i = 40;
    const tampered = genuine.slice(0, i) + (genuine[i] === "A" ? "B" : "A") + genuine.slice(i + 1);
    const t = await verifyQr([tampered, "--keys", keysFile]);
    expect(t.code).toBe(1);
    expect(t.out).toMatch(/REFUSED \((bad_signature|malformed)\)/);

    const foreign = signQrToken(claims(7), signingKeyFrom(parseSigningKey(generateSeed())));
    const f = await verifyQr([foreign, "--keys", keysFile]);
    expect(f).toMatchObject({ code: 1 });
    expect(f.out).toContain("REFUSED (unknown_key)");

    const expired = signQrToken({ ...claims(-1), issuedAt: new Date(Date.now() - 8 * DAY) }, key);
    const e = await verifyQr([expired, "--keys", keysFile]);
    expect(e).toMatchObject({ code: 1 });
    expect(e.out).toContain("REFUSED (expired)");
  });
});
