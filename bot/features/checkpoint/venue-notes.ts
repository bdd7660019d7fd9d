import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../../../db/client.js";
import type { Param } from "../../../db/compiled.js";
import type { checkpoints } from "../../../db/schema/index.js";
import type { Option, StepContext } from "../../core/types.js";
import type { Checkpoint } from "./checkpoints.js";

/** When a check-in's notes are read: placeholders of the check-in's compiled statement, or values. */
export interface NoteTime {
  now: Param<Date>;
  /** The local day, YYYY-MM-DD. */
  today: Param<string>;
}

export type ViText = (key: string, vars?: Record<string, unknown>) => string;

/**
 * A note under a visitor's check-in confirmation whose data comes in the statement that reads the checkpoint
 * for the check-in, so that a note costs no round trip of its own.
 */
export interface CheckinNote<T> {
  /**
   * One JSON value (or null) read beside the checkpoint: an expression over the row being read (`cp`, the
   * table unaliased), e.g. a correlated subquery of the note's own tables. `today` is the local day.
   */
  read(cp: typeof checkpoints, at: NoteTime): SQL;
  /** The lines shown, in the visitor's language, from the parsed value (null when `read` found nothing). */
  lines(value: T | null, ctx: StepContext): string[];
}

/**
 * What other features add to a checkpoint's screens without checkpoint knowing them (app.ts passes them in,
 * so dependencies keep pointing one way): a venue's safety rating, its commune's risk level, a menu button.
 */
export interface VenueNotes {
  /** Lines under a visitor's check-in confirmation, read with the checkpoint. */
  checkin?: CheckinNote<unknown>;
  /** A line printed on the poster under the address; the poster is in Vietnamese (`t` is fixed by the caller). */
  poster?(tx: Tx, cp: Checkpoint, ctx: StepContext, vi: ViText): Promise<string | null>;
  /** Buttons added to the manager's menu of a checkpoint. */
  managerButtons?(checkpointId: number, ctx: StepContext): Option[];
}

/** Every note's value as one JSON array (as text: see checkinNoteValues), for the checkpoint's statement. */
export function checkinNotesSql(notes: VenueNotes[], cp: typeof checkpoints, at: NoteTime): SQL {
  const reads = notes.flatMap((n) => (n.checkin ? [n.checkin.read(cp, at)] : []));
  if (reads.length === 0) return sql`'[]'::text`;
  return sql`json_build_array(${sql.join(
    reads.map((r) => sql`(${r})::json`),
    sql`, `,
  )})::text`;
}

/** What checkinNotesSql read. As text, parsed here: the drivers differ in what they make of json. */
export function checkinNoteValues(read: unknown): unknown[] {
  const values: unknown = typeof read === "string" ? JSON.parse(read) : [];
  return Array.isArray(values) ? values : [];
}

/** The lines of the notes, from the values `checkinNotesSql` read (in the same order). */
export function checkinNoteLines(notes: VenueNotes[], values: unknown[], ctx: StepContext): string[] {
  const withCheckin = notes.flatMap((n) => (n.checkin ? [n.checkin] : []));
  return withCheckin.flatMap((n, i) => n.lines(values[i] ?? null, ctx));
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
