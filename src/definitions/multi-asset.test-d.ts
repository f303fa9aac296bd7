import { describe, expectTypeOf, it } from "vitest";
import { asset } from "./asset.js";
import type { AssetsDefinition } from "./assets-definition.js";
import { AssetOut, multiAsset } from "./multi-asset.js";

describe("multiAsset() types", () => {
  it("types inputs from upstreams and each output by its AssetOut", () => {
    const orders = asset("orders", () => [1, 2, 3]);
    const split = multiAsset({ name: "split", ins: { orders }, outs: { even: new AssetOut<number[]>(), odd: new AssetOut<number[]>() } }, (_ctx, { orders }) => {
      expectTypeOf(orders).toEqualTypeOf<number[]>();
      return { even: orders.filter((n) => n % 2 === 0), odd: orders.filter((n) => n % 2 === 1) };
    });
    expectTypeOf(split).toEqualTypeOf<AssetsDefinition<{ readonly even: number[]; readonly odd: number[] }>>();
  });

  it("rejects a value of the wrong type for an output", () => {
    // @ts-expect-error "even" holds number[], not string
    multiAsset({ name: "bad", outs: { even: new AssetOut<number[]>() } }, () => ({ even: "two" }));
  });
});
