import { and, eq, lt } from "drizzle-orm";
import cron, { type ScheduledTask } from "node-cron";
import type { DbOrTx } from "../../db/client.js";
import { jobRuns } from "../../db/schema/index.js";

/** One tick of a job: `key` names it in job_runs (the scheduled time in UTC), `at` is that time. */
export interface Slot {
  name: string;
  key: string;
  at: Date;
}

/** What a run did, in counts (sent, skipped by rule…): the scheduler logs it with the run's duration. */
export type JobSummary = Record<string, number | string | boolean | null | Record<string, number>>;

// biome-ignore lint/suspicious/noConfusingVoidType: a job with nothing to count returns nothing
export type JobRun = (slot: Slot) => Promise<JobSummary | undefined | void>;

export interface SchedulerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SchedulerOptions {
  db: DbOrTx;
  /** Cron expressions are read in this zone (e.g. Asia/Ho_Chi_Minh): "0 8 * * *" is 08:00 there. */
  timeZone: string;
  logger?: SchedulerLogger;
  clock?: () => Date;
}

export interface Scheduler {
  /** Runs `run` on every tick of the cron expression, once per tick across all instances. */
  every(name: string, cronExpr: string, run: JobRun): void;
  /**
   * Fires the tick at `at` (default now) without waiting for it, as a cron tick would: false when that
   * slot was already claimed. The job's error, if any, is thrown.
   */
  runNow(name: string, at?: Date): Promise<boolean>;
  /** When the job's next tick is due (real time), null if unknown or stopped. */
  nextRun(name: string): Date | null;
  /** No new ticks; waits for the runs in progress. */
  stop(): Promise<void>;
}

/** The slot key of a tick: its scheduled time in UTC, to the second (2021-08-01T01:00:00Z). */
export function slotKey(at: Date): string {
  return `${new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** Claims a tick; true for exactly one caller however many instances try. */
export async function claimSlot(db: DbOrTx, name: string, key: string, now: Date): Promise<boolean> {
  const rows = await db
    .insert(jobRuns)
    .values({ name, slotKey: key, claimedAt: now })
    .onConflictDoNothing()
    .returning({ name: jobRuns.name });
  return rows.length === 1;
}

/** Deletes the record of ticks claimed before `before`. */
export async function purgeJobRuns(db: DbOrTx, before: Date): Promise<number> {
  const rows = await db
    .delete(jobRuns)
    .where(lt(jobRuns.claimedAt, before))
    .returning({ name: jobRuns.name });
  return rows.length;
}

const noLog: SchedulerLogger = { info() {}, warn() {}, error() {} };

// node-cron logs to the console by default (which the terminal chat owns): route it to our logger.
const cronLogger = (log: SchedulerLogger, job: string) => ({
  info: (msg: string) => log.info({ job }, msg),
  warn: (msg: string) => log.warn({ job }, msg),
  error: (msg: string | Error, err?: Error) => log.error({ job, err: err ?? msg }, "node-cron"),
  debug: () => {},
});

/**
 * node-cron ticks in an explicit time zone, each claimed in job_runs before it runs. A tick whose instance
 * dies mid-run is not run again (at most once per slot): a job should work out what is due from the
 * database, so the next tick catches up on whatever the lost one missed.
 */
export function createScheduler(opts: SchedulerOptions): Scheduler {
  const { db, timeZone } = opts;
  const log = opts.logger ?? noLog;
  const clock = opts.clock ?? (() => new Date());
  const jobs = new Map<string, JobRun>();
  const tasks = new Map<string, ScheduledTask>();
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  async function fire(name: string, at: Date): Promise<boolean> {
    const run = jobs.get(name);
    if (!run) throw new Error(`no job named ${name}`);
    const slot: Slot = { name, key: slotKey(at), at: new Date(Math.floor(at.getTime() / 1000) * 1000) };
    if (!(await claimSlot(db, name, slot.key, clock()))) return false;
    const started = Date.now();
    let error: string | null = null;
    let summary: JobSummary | undefined;
    try {
      summary = (await run(slot)) ?? undefined;
      return true;
    } catch (err) {
      error = String(err).slice(0, 1000);
      throw err;
    } finally {
      await db
        .update(jobRuns)
        .set({ finishedAt: clock(), error })
        .where(and(eq(jobRuns.name, name), eq(jobRuns.slotKey, slot.key)))
        .catch((err: unknown) => log.error({ err, job: name }, "job: recording the run failed"));
      log.info(
        { job: name, slot: slot.key, ms: Date.now() - started, failed: error !== null, summary },
        "job ran",
      );
    }
  }

  function track<T>(p: Promise<T>): Promise<T> {
    running.add(p);
    void p.catch(() => {}).finally(() => running.delete(p));
    return p;
  }

  return {
    every(name, cronExpr, run) {
      if (jobs.has(name)) throw new Error(`job ${name} is already scheduled`);
      if (!cron.validate(cronExpr)) throw new Error(`job ${name}: invalid cron expression "${cronExpr}"`);
      jobs.set(name, run);
      if (stopped) return;
      const task = cron.schedule(
        cronExpr,
        // ctx.date is the tick's scheduled time, the same on every instance whatever its clock says.
        (ctx) =>
          track(fire(name, ctx.date)).catch((err: unknown) => log.error({ err, job: name }, "job failed")),
        { timezone: timeZone, name, noOverlap: true, logger: cronLogger(log, name) },
      );
      tasks.set(name, task);
    },
    runNow(name, at) {
      return track(fire(name, at ?? clock()));
    },
    nextRun(name) {
      return tasks.get(name)?.getNextRun() ?? null;
    },
    async stop() {
      stopped = true;
      for (const task of tasks.values()) await task.destroy();
      tasks.clear();
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
