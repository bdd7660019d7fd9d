import { describe, expect, it } from "vitest";
import { createChatPacer, createRateLimiter } from "../../../bot/platform/rate-limit.js";

describe("the per-chat rate limiter", () => {
  it("lets a burst through, warns once, drops the rest and refills with time", () => {
    const limiter = createRateLimiter({ burst: 3, perMinute: 30 });
    const verdicts = Array.from({ length: 6 }, () => limiter.take("a", 0));
    expect(verdicts).toEqual(["handle", "handle", "handle", "warn", "drop", "drop"]);
    expect(limiter.take("b", 0)).toBe("handle"); // another chat is not affected
    expect(limiter.take("a", 1999)).toBe("drop");
    expect(limiter.take("a", 2000)).toBe("handle"); // one token every 2 s
    expect(limiter.take("a", 2000)).toBe("drop"); // still flooding: no second warning
  });

  it("warns again only after the chat calmed down", () => {
    const limiter = createRateLimiter({ burst: 2, perMinute: 60 });
    for (const at of [0, 0]) limiter.take("a", at);
    expect(limiter.take("a", 0)).toBe("warn");
    expect(limiter.take("a", 10_000)).toBe("handle");
    expect(limiter.take("a", 10_000)).toBe("handle");
    expect(limiter.take("a", 10_000)).toBe("warn");
  });
});

describe("the per-chat pacer", () => {
  it("lets a burst go at once and then spaces messages to one chat by the interval", async () => {
    let now = 0;
    const pacer = createChatPacer({ burst: 2, intervalMs: 30, clock: () => now });
    const waits = [
      await pacer.slot("a"),
      await pacer.slot("a"),
      await pacer.slot("b"),
      await pacer.slot("a"),
    ];
    expect(waits).toEqual([0, 0, 0, 30]);
    now = 1000; // quiet for a while: a burst again
    expect([await pacer.slot("a"), await pacer.slot("a"), await pacer.slot("a")]).toEqual([0, 0, 30]);
  });
});
