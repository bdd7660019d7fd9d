// Verifies a personal QR with no database: `npm run verify-qr -- <photo or token> [--keys file.json|URL]`.
// The keys are the document `GET /qr/keys` serves; without --keys, QR_SIGNING_KEY (the private key) is used.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createQrDecoder } from "../bot/shared/qr/decode.js";
import { keyringFromPublished } from "../bot/shared/qr/published-keys.js";
import { type Keyring, parseSigningKey, signingKeyFrom } from "../bot/shared/qr/signing-keys.js";
import { TOKEN_PREFIX, verifyQrToken } from "../bot/shared/qr/token.js";

const HELP = `Usage: npm run verify-qr -- <photo.jpg|png|webp or HD:… token> [--keys qr-keys.json|https://…/qr/keys]

Checks the signature, the key id and the expiry of a personal QR code, offline. It cannot tell whether a newer
declaration replaced the code: only the bot's database knows that. Exit code 0: valid; 1: refused; 2: usage.`;

const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

async function keyring(source: string | undefined): Promise<Keyring> {
  if (source) {
    const text = /^https?:\/\//.test(source)
      ? await (await fetch(source, { signal: AbortSignal.timeout(10_000) })).text()
      : readFileSync(source, "utf8");
    return keyringFromPublished(JSON.parse(text));
  }
  const configured = process.env.QR_SIGNING_KEY;
  if (!configured) throw new Error("no keys: pass --keys (the JSON of GET /qr/keys) or set QR_SIGNING_KEY");
  const key = signingKeyFrom(parseSigningKey(configured));
  return new Map([[key.keyId, key.publicKey]]);
}

async function tokenOf(arg: string): Promise<string | null> {
  if (arg.trim().startsWith(TOKEN_PREFIX)) return arg.trim();
  const bytes = readFileSync(arg);
  const { texts } = await createQrDecoder().decode(bytes, { maxBytes: MAX_PHOTO_BYTES });
  return texts.find((t) => t.trim().startsWith(TOKEN_PREFIX)) ?? null;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { keys: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  const input = positionals[0];
  if (values.help || !input) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  const keys = await keyring(values.keys);
  const token = await tokenOf(input);
  if (!token) {
    console.log("REFUSED: no personal QR code (HD:…) in this picture");
    return 1;
  }
  const result = verifyQrToken(token, { keys, now: new Date() });
  if (!result.ok) {
    const why = {
      malformed: "not a personal QR code of this system, or altered",
      bad_signature: "the signature does not match (altered or forged)",
      unknown_key: "signed with a key that is not among the published ones",
      expired: "expired",
      superseded: "replaced by a newer declaration",
    }[result.reason];
    console.log(`REFUSED (${result.reason}): ${why}`);
    return 1;
  }
  console.log(
    `VALID: declaration ${result.declarationId}, issued ${result.issuedAt.toISOString()}, ` +
      `expires ${result.expiresAt.toISOString()} (whether a newer declaration replaced it is known only to the bot)`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`verify-qr: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
