// Run by `npm install` / `npm ci` (postinstall). postgres.js 3.4.9, the newest release, crashes the process when a
// connection drops inside a transaction: `begin` then sends ROLLBACK on the closed connection, whose write is
// scheduled with setImmediate and runs `socket.write` on a null socket (connection.js `nextWrite`), an exception
// nothing can catch. This patch makes a query on a closed connection fail with CONNECTION_CLOSED instead, and
// forgets bytes buffered for a socket that is gone. Idempotent; it says so and changes nothing once upstream
// has changed these lines.
//
// Two more, in index.js, for connections taken with `reserve()` (db/client.ts runs its transactions on them):
// a query on a reserved connection that has closed moved it among the full ones, where it stayed for good, and
// `release()` put a closed connection back among the open ones, so the next query went out on a dead
// connection. Now such a query fails with CONNECTION_CLOSED and leaves the connection closed, and a closed
// connection stays closed when released (it is reconnected on demand, as any closed one).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const MARK = "/* health-bot: closed-socket guard */";
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "postgres");
const connectionEdits = [
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

const indexEdits = [
  [
    "    function handler(q) {\n      c.queue === full\n        ? queue.push(q)\n",
    `    function handler(q) {\n      ${MARK}\n      if (c.queue === closed)\n        return q.reject(Errors.connection('CONNECTION_CLOSED', options))\n      c.queue === full\n        ? queue.push(q)\n`,
  ],
  [
    "    sql.release = () => {\n      c.reserved = null\n",
    `    sql.release = () => {\n      ${MARK}\n      if (c.queue === closed)\n        return\n      c.reserved = null\n`,
  ],
];

let failed = false;
for (const dir of ["src", "cjs/src", "cf/src"]) {
  for (const [name, edits] of [
    ["connection.js", connectionEdits],
    ["index.js", indexEdits],
  ]) {
    const file = join(root, dir, name);
    if (!existsSync(file)) continue;
    let source = readFileSync(file, "utf8");
    if (source.includes(MARK)) continue;
    let ok = true;
    for (const [from, to] of edits) {
      if (!source.includes(from)) {
        console.warn(
          `patch-postgres: ${dir}/${name} has changed upstream; not patched (check the fix is in)`,
        );
        ok = false;
        failed = true;
        break;
      }
      source = source.replace(from, to);
    }
    if (ok) writeFileSync(file, source);
  }
}
if (!failed) console.log("patch-postgres: postgres.js closed-socket and reserved-release guards in place");
