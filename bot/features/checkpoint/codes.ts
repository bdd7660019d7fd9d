import { eq } from "drizzle-orm";
import { checkpoints } from "../../../db/schema/index.js";
import type { CodeResolver } from "../../core/code-flow.js";
import { CHECKIN_FLOW, typedPayload } from "./checkin-flow.js";

/** A checkpoint's short code, typed or sent on Zalo: check in there. */
export const checkpointCodes: CodeResolver = async (tx, code) => {
  const [row] = await tx
    .select({ id: checkpoints.id })
    .from(checkpoints)
    .where(eq(checkpoints.shortCode, code))
    .limit(1);
  return row ? { flow: CHECKIN_FLOW, payload: typedPayload(code) } : null;
};
