// Run by `npm install` / `npm ci` (postinstall). postgres.js 3.4.9, the newest release, crashes the process when a
// connection drops inside a transaction: `begin` then sends ROLLBACK on the closed connection, whose write is
// scheduled with setImmediate and runs `socket.write` on a null socket (connection.js `nextWrite`), an exception
// nothing can catch. This patch makes a query on a closed connection fail with CONNECTION_CLOSED instead, and
// forgets bytes buffered for a socket that is gone. Idempotent; it says so and changes nothing once upstream
// has changed these lines.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const MARK = "/* health-bot: closed-socket guard */";
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "postgres");
const edits = [
  [
    "    if (terminated)\n      return queryError(q, Errors.connection('CONNECTION_DESTROYED', options))\n",
    "    if (terminated)\n      return queryError(q, Errors.connection('CONNECTION_DESTROYED', options))\n" +
      `    ${MARK}\n    if (!socket)\n      return queryError(q, Errors.connection('CONNECTION_CLOSED', options))\n`,
  ],
  [
    "  function nextWrite(fn) {\n",
    `  function nextWrite(fn) {\n    ${MARK}\n    if (!socket)\n      return (chunk = nextWriteTimer = null, false)\n`,
  ],
  [
    "    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)\n",
    `    clearImmediate(nextWriteTimer)\n    ${MARK}\n    chunk = nextWriteTimer = null\n    socket.removeListener('data', data)\n`,
  ],
];

let failed = false;
for (const dir of ["src", "cjs/src", "cf/src"]) {
  const file = join(root, dir, "connection.js");
  if (!existsSync(file)) continue;
  let source = readFileSync(file, "utf8");
  if (source.includes(MARK)) continue;
  for (const [from, to] of edits) {
    if (!source.includes(from)) {
      console.warn(
        `patch-postgres: ${dir}/connection.js has changed upstream; not patched (check the fix is in)`,
      );
      failed = true;
      break;
    }
    source = source.replace(from, to);
  }
  if (!failed) writeFileSync(file, source);
}
if (!failed) console.log("patch-postgres: postgres.js closed-socket guard in place");
