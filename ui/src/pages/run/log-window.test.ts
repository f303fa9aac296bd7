import { describe, expect, it } from "vitest";
import { ROW_HEIGHT, covers, rangeAfterScroll, rangeAt } from "./log-window.js";

describe("run log window", () => {
  const height = 320;
  const count = 100_002;

  it("renders the rows on screen and a band beyond, clamped to the log", () => {
    const top = rangeAt(0, height, count);
    expect(top.start).toBe(0);
    expect(top.end).toBeGreaterThanOrEqual(Math.ceil(height / ROW_HEIGHT));
    const middle = rangeAt(50_000 * ROW_HEIGHT + 7, height, count);
    expect(middle.start).toBeLessThan(50_000);
    expect(middle.end).toBeGreaterThan(50_000 + Math.ceil(height / ROW_HEIGHT));
    const bottom = rangeAt(count * ROW_HEIGHT - height, height, count);
    expect(bottom.end).toBe(count);
    expect(rangeAt(0, height, 3)).toMatchObject({ start: 0, end: 3 });
  });

  it("needs no render for a scroll within the band, and one when the screen leaves it", () => {
    const range = rangeAt(1000 * ROW_HEIGHT, height, count);
    expect(covers(range, 1000 * ROW_HEIGHT, height, count)).toBe(true);
    expect(covers(range, 1003 * ROW_HEIGHT, height, count)).toBe(true);
    expect(covers(range, 1000 * ROW_HEIGHT + 30 * ROW_HEIGHT, height, count)).toBe(false);
    expect(covers(range, 900 * ROW_HEIGHT, height, count)).toBe(false);
  });

  it("holds as many rows at every position away from the ends (a jump reuses every row element)", () => {
    const sizes = new Set<number>();
    for (const top of [26 * 100, 26 * 777 + 5, 26 * 50_000 + 13, 26 * 99_900]) {
      const range = rangeAt(top, height, count);
      sizes.add(range.end - range.start);
    }
    expect(sizes.size).toBe(1);
    const near = rangeAt(0, height, count);
    expect(near.end - near.start).toBeLessThanOrEqual([...sizes][0] as number);
  });

  it("renders nothing for a scroll within the band, the full band for a short scroll past it, a narrow one after a jump", () => {
    const range = rangeAt(1000 * ROW_HEIGHT, height, count);
    expect(rangeAfterScroll(range, 1004 * ROW_HEIGHT, height, count)).toBeUndefined();
    const near = rangeAfterScroll(range, 1012 * ROW_HEIGHT, height, count);
    expect(near).toEqual(rangeAt(1012 * ROW_HEIGHT, height, count));
    const far = rangeAfterScroll(range, 40_000 * ROW_HEIGHT, height, count);
    expect(far?.start).toBeLessThanOrEqual(40_000);
    expect(far?.end).toBeGreaterThanOrEqual(40_000 + Math.ceil(height / ROW_HEIGHT));
    expect((far?.end ?? 0) - (far?.start ?? 0)).toBeLessThan((near?.end ?? 0) - (near?.start ?? 0));
  });
});
