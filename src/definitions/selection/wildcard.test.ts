import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { wildcardMatcher, wildcardToRegExp } from "./wildcard.js";

describe("wildcardMatcher", () => {
  it("agrees with the regular expression on small patterns and keys", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "b", "/", "*"), maxLength: 8 });
    fc.assert(
      fc.property(text, fc.string({ unit: fc.constantFrom("a", "b", "/"), maxLength: 10 }), (pattern, key) => {
        expect(wildcardMatcher(pattern)(key)).toBe(wildcardToRegExp(pattern).test(key));
      }),
      { numRuns: 2000 },
    );
  });

  it("matches the examples of the selection syntax", () => {
    expect(wildcardMatcher("raw/*")("raw/orders")).toBe(true);
    expect(wildcardMatcher("*orders")("raw/orders")).toBe(true);
    expect(wildcardMatcher("r*w/*s")("raw/orders")).toBe(true);
    expect(wildcardMatcher("a*a")("a")).toBe(false);
    expect(wildcardMatcher("ab")("ab")).toBe(true);
  });

  it("answers a pattern that makes a backtracking engine take exponential time (*a*a…*a*z against a long key)", () => {
    // A backtracking regular expression does not finish this within the test's timeout; the matcher does ~30 searches.
    const pattern = `${"*a".repeat(30)}*z`;
    const key = "a".repeat(200_000);
    expect(wildcardMatcher(pattern)(key)).toBe(false);
    expect(wildcardMatcher(pattern)(`${key}z`)).toBe(true);
  });
});
