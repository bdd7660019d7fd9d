import type { Tx } from "../../../db/client.js";
import type { Option, StepContext } from "../../core/types.js";
import type { Checkpoint } from "./checkpoints.js";

export type ViText = (key: string, vars?: Record<string, unknown>) => string;

/**
 * What other features add to a checkpoint's screens without checkpoint knowing them (app.ts passes them in,
 * so dependencies keep pointing one way): a venue's safety rating, its commune's risk level, a menu button.
 */
export interface VenueNotes {
  /** Lines under a visitor's check-in confirmation, in the visitor's language. */
  checkin?(tx: Tx, cp: Checkpoint, ctx: StepContext): Promise<string[]>;
  /** A line printed on the poster under the address; the poster is in Vietnamese (`t` is fixed by the caller). */
  poster?(tx: Tx, cp: Checkpoint, ctx: StepContext, vi: ViText): Promise<string | null>;
  /** Buttons added to the manager's menu of a checkpoint. */
  managerButtons?(checkpointId: number, ctx: StepContext): Option[];
}

export async function checkinNotes(notes: VenueNotes[], tx: Tx, cp: Checkpoint, ctx: StepContext) {
  const out: string[] = [];
  for (const n of notes) if (n.checkin) out.push(...(await n.checkin(tx, cp, ctx)));
  return out;
}

export async function posterNotes(notes: VenueNotes[], tx: Tx, cp: Checkpoint, ctx: StepContext) {
  const vi: ViText = (key, vars = {}) => ctx.t(key, { ...vars, lng: "vi" });
  const out: string[] = [];
  for (const n of notes) {
    const line = n.poster ? await n.poster(tx, cp, ctx, vi) : null;
    if (line) out.push(line);
  }
  return out;
}

export const extraButtons = (notes: VenueNotes[], checkpointId: number, ctx: StepContext): Option[] =>
  notes.flatMap((n) => n.managerButtons?.(checkpointId, ctx) ?? []);
