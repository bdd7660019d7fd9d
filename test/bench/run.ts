// `npm run bench [-- name …]`: every benchmark (or the named ones), each in its own process so one's memory
// and event loop do not colour another's figures. Each prints ratios against a baseline measured in its own run.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BENCHES: Record<string, string> = {
  taps: "declaration-taps.ts",
  decode: "qr-decode.ts",
  checkin: "checkin.ts",
  outbox: "outbox.ts",
  trace: "trace.ts",
  partitions: "partitions.ts",
  "scale-out": "scale-out.ts",
  start: "start.ts",
  "heavy-photos": "heavy-photos.ts",
  flood: "flood.ts",
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const names = wanted.length ? wanted : Object.keys(BENCHES);
let failed = 0;
for (const name of names) {
  const file = BENCHES[name];
  if (!file) {
    console.error(`unknown bench "${name}"; one of ${Object.keys(BENCHES).join(", ")}`);
    process.exit(2);
  }
  const path = fileURLToPath(new URL(file, import.meta.url));
  console.log(`\n=== bench ${name} (${file}) ===`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", path], { stdio: "inherit", env: process.env });
  console.log(`=== ${name}: exit ${r.status} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
  if (r.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
