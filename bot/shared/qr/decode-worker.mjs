// Entry of a decoding worker thread. Workers do not inherit the TypeScript loader of the main thread
// (tsx, or Vitest's), so this plain module registers tsx before loading the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./decode-worker-main.ts");
