import { describe, expect, it } from "vitest";
import { ManualClock } from "./clock.js";
import { closestMatches } from "./suggest.js";

describe("ManualClock", () => {
  it("wakes sleepers only when advanced past their deadline", async () => {
    const clock = new ManualClock(1000);
    let woke = false;
    const sleeping = clock.sleep(500).then(() => (woke = true));
    clock.advance(499);
    await Promise.resolve();
    expect(woke).toBe(false);
    clock.advance(1);
    await sleeping;
    expect(woke).toBe(true);
    expect(clock.now()).toBe(1500);
  });

  it("jumps over sleeps when auto-advancing", async () => {
    const clock = new ManualClock(0, { autoAdvance: true });
    await clock.sleep(2000);
    expect(clock.now()).toBe(2000);
  });
});

describe("closestMatches", () => {
  it("suggests near misses, closest first, and nothing for unrelated names", () => {
    expect(closestMatches("ordres", ["orders", "customers", "order_items"])).toEqual(["orders"]);
    expect(closestMatches("revenue", ["orders", "customers"])).toEqual([]);
  });
});
