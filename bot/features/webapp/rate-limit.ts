/**
 * At most `limit` events per key in any `windowMs` (a sliding log). Held in this process: with several
 * instances behind a load balancer a person gets the limit at each, which still stops a runaway page or script.
 */
export function createRateLimit(limit: number, windowMs: number) {
  const log = new Map<string, number[]>();
  return {
    /** Records an event and says whether it is within the limit. */
    take(key: string, now: Date): boolean {
      const t = now.getTime();
      const recent = (log.get(key) ?? []).filter((x) => x > t - windowMs);
      if (log.size > 10_000) for (const [k, v] of log) if ((v.at(-1) ?? 0) <= t - windowMs) log.delete(k);
      if (recent.length >= limit) {
        log.set(key, recent);
        return false;
      }
      recent.push(t);
      log.set(key, recent);
      return true;
    },
  };
}
export type RateLimit = ReturnType<typeof createRateLimit>;
