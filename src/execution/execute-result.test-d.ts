import { describe, expectTypeOf, it } from "vitest";
import { asset } from "../definitions/index.js";
import type { ExecuteResult } from "./execute-result.js";

const revenue = asset("revenue", () => 42);
const names = asset("names", async () => ["a", "b"]);

describe("ExecuteResult.assetValue", () => {
  it("types the value by the definition passed", () => {
    const result = {} as ExecuteResult;
    expectTypeOf(result.assetValue(revenue)).toEqualTypeOf<number>();
    expectTypeOf(result.assetValue(names, { partitionKey: "x" })).toEqualTypeOf<string[]>();
  });

  it("types a key lookup by its type argument, unknown by default", () => {
    const result = {} as ExecuteResult;
    expectTypeOf(result.assetValue("revenue")).toEqualTypeOf<unknown>();
    expectTypeOf(result.assetValue<number>("revenue")).toEqualTypeOf<number>();
    // @ts-expect-error the value of revenue is a number
    const wrong: string = result.assetValue(revenue);
    void wrong;
  });
});
