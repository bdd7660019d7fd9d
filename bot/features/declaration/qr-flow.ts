import { end } from "../../core/replies.js";
import type { Flow } from "../../core/types.js";
import type {} from "./effects.js";

/** /qr: the current personal QR again (its effect answers with the photo, or says why there is none). */
export function createQrFlow(): Flow {
  const send = () => end([], { effects: [{ type: "declaration.sendQr", personId: null }] });
  return {
    name: "qr",
    commands: ["qr"],
    requiresPhone: true,
    start: send,
    step: send,
    prompt: () => [],
  };
}
