import { describe, expect, it } from "vitest";
import { Backoff, Jitter, RetryPolicy } from "./retry-policy.js";

describe("RetryPolicy", () => {
  it("defaults to one retry with no wait", () => {
    const policy = new RetryPolicy();
    expect(policy.maxRetries).toBe(1);
    expect(policy.calculateDelay(1)).toBe(0);
  });

  it("waits delay·n with linear backoff and delay·(2ⁿ−1) with exponential backoff", () => {
    const linear = new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.LINEAR });
    expect([1, 2, 3].map((n) => linear.calculateDelay(n))).toEqual([2, 4, 6]);
    const exponential = new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL });
    expect([1, 2, 3].map((n) => exponential.calculateDelay(n))).toEqual([2, 6, 14]);
  });

  it("scales by a random factor with full jitter and adds ±delay with plus-minus jitter", () => {
    const full = new RetryPolicy({ delay: 10, jitter: Jitter.FULL });
    expect(full.calculateDelay(1, () => 0.25)).toBe(2.5);
    const plusMinus = new RetryPolicy({ delay: 10, jitter: Jitter.PLUS_MINUS });
    expect(plusMinus.calculateDelay(1, () => 0)).toBe(0);
    expect(plusMinus.calculateDelay(1, () => 1)).toBe(20);
  });

  it("rejects negative retries, negative delays and backoff without a delay", () => {
    expect(() => new RetryPolicy({ maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => new RetryPolicy({ delay: -1 })).toThrow(/delay/);
    expect(() => new RetryPolicy({ backoff: Backoff.LINEAR })).toThrow(/base delay/);
  });
});
