// `npm run build` (and `npm start`'s prestart): bundles bot/main.ts and the project's own modules into
// dist/main.js. Plain JavaScript so that the staleness check costs a bare node start, not a TypeScript loader's.
// Most packages stay external: node_modules is loaded as it is (native addons, wasm files, fonts and data files
// stay where their packages look for them), and heavy ones are imported on first use by the code itself. A few
// pure ESM packages made of hundreds of small files are bundled: loading ~300 files one by one was half the start.
//   node scripts/build.mjs           build only when a source is newer than dist/main.js
//   node scripts/build.mjs --force   always build
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
const entries = { main: join(root, "bot", "main.ts"), "pglite-template": join(root, "db", "template.ts") };
const outfile = join(dist, "main.js");
const templateDir = join(dist, "pglite-template");
// What goes into the bundle (bot/, db/) and what decides how it is built.
// postgres is bundled, so its patched source (scripts/patch-postgres.mjs) counts too.
const inputs = [
  "bot",
  "db",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "scripts/build.mjs",
  "node_modules/postgres/src",
];

function newestMtime(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

export function isStale() {
  const built = statSync(outfile, { throwIfNoEntry: false });
  if (!built || !statSync(join(dist, "pglite-template.js"), { throwIfNoEntry: false })) return true;
  return inputs.some((p) => newestMtime(join(root, p)) > built.mtimeMs);
}

const BUNDLED = new Set(["drizzle-orm", "zod", "libphonenumber-js", "i18next", "postgres"]);

const externals = {
  name: "externals",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return { external: true };
      const parts = args.path.split("/");
      const name = args.path.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
      if (BUNDLED.has(name)) return undefined;
      return { external: true };
    });
  },
};

// A module that finds files next to itself (locales, migrations) must still find them from dist/: each source's
// `import.meta.url` becomes the URL of that source file, worked out from where the bundle is at run time — so a
// moved checkout keeps working. An entry keeps the bundle's own URL: it compares it with process.argv[1].
const sourceUrls = {
  name: "source-import-meta-url",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${join("node_modules", "")}`)) return undefined;
      const text = readFileSync(args.path, "utf8");
      const isEntry = Object.values(entries).includes(args.path);
      if (isEntry || !text.includes("import.meta.url")) return { contents: text, loader: "ts" };
      const rel = relative(dist, args.path).split("\\").join("/");
      const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
      return { contents: text.replaceAll("import.meta.url", url), loader: "ts" };
    });
  },
};

export async function build() {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: entries,
    outdir: dist,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Chunks for what is imported on first use, so that it is not evaluated at start.
    splitting: true,
    sourcemap: true,
    logLevel: "warning",
    plugins: [externals, sourceUrls],
    metafile: true,
  });
  // Chunk names carry a hash: the previous builds' would pile up. The template directory stays.
  const outputs = new Set(Object.keys(result.metafile.outputs).map((o) => join(root, o)));
  for (const e of readdirSync(dist, { withFileTypes: true }))
    if (e.isFile() && /\.js(\.map)?$/.test(e.name) && !outputs.has(join(dist, e.name)))
      rmSync(join(dist, e.name));
}

/** The PGlite template is older than the migrations or the installed PGlite (or missing). */
export function isTemplateStale() {
  const made = statSync(join(templateDir, "PG_VERSION"), { throwIfNoEntry: false });
  if (!made) return true;
  return ["db/migrations", "package-lock.json"].some((p) => newestMtime(join(root, p)) > made.mtimeMs);
}

/** Makes the template in a child process: initdb's half a gigabyte is freed when it exits. */
export function makeTemplate() {
  const r = spawnSync(process.execPath, [join(dist, "pglite-template.js"), templateDir], {
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error(`making the PGlite template failed (exit ${r.status})`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const force = process.argv.includes("--force");
  let started = Date.now();
  if (force || isStale()) {
    await build();
    console.error(`built ${relative(root, dist)} in ${Date.now() - started} ms`);
  }
  // Only the embedded database uses it: a PostgreSQL deployment does not pay for making it.
  if (!process.env.DATABASE_URL && (force || isTemplateStale())) {
    started = Date.now();
    makeTemplate();
    console.error(`made ${relative(root, templateDir)} in ${Date.now() - started} ms`);
  }
}
