import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { AssetKey } from "../core/index.js";
import { asset } from "./asset.js";
import { AssetIn } from "./asset-dep.js";
import { AssetSpec } from "./asset-spec.js";
import type { AssetsDefinition } from "./assets-definition.js";
import { resource } from "./resource.js";
import { MaterializeResult } from "./results.js";

interface Order {
  id: number;
  amount: number;
}

describe("asset() types", () => {
  it("types an input as its upstream's output", () => {
    const orders = asset("orders", async (): Promise<Order[]> => []);
    expectTypeOf(orders).toEqualTypeOf<AssetsDefinition<Order[]>>();
    asset({ name: "revenue", ins: { orders } }, (_ctx, { orders }) => {
      expectTypeOf(orders).toEqualTypeOf<Order[]>();
      // @ts-expect-error an Order[] is not a string
      const wrong: string = orders;
      return wrong;
    });
  });

  it("takes the value type of a returned MaterializeResult", () => {
    const totals = asset("totals", () => new MaterializeResult({ value: new Map<string, number>(), metadata: { rows: 1 } }));
    expectTypeOf(totals).toEqualTypeOf<AssetsDefinition<Map<string, number>>>();
    const mixed = asset("mixed", async () => (Math.random() > 0.5 ? 1 : new MaterializeResult({ value: 2 })));
    expectTypeOf(mixed).toEqualTypeOf<AssetsDefinition<number>>();
  });

  it("takes the value type of MaterializeResults yielded by an async generator", () => {
    const streamed = asset("streamed", async function* () {
      yield new MaterializeResult({ value: "done" });
    });
    expectTypeOf(streamed).toEqualTypeOf<AssetsDefinition<string>>();
  });

  it("types an AssetIn input by its generic, unknown by default", () => {
    asset({ name: "a", ins: { typed: new AssetIn<Order[]>({ key: "raw/orders" }), loose: new AssetIn({ key: "raw/fx" }), spec: new AssetSpec("x") } }, (_ctx, inputs) => {
      expectTypeOf(inputs.typed).toEqualTypeOf<Order[]>();
      expectTypeOf(inputs.loose).toEqualTypeOf<unknown>();
      expectTypeOf(inputs.spec).toEqualTypeOf<unknown>();
      // @ts-expect-error no input named "missing"
      void inputs.missing;
    });
  });

  it("types ctx.config from the zod schema's output", () => {
    asset({ name: "a", config: z.object({ limit: z.number().default(10), currency: z.enum(["EUR", "USD"]) }) }, (ctx) => {
      expectTypeOf(ctx.config).toEqualTypeOf<{ limit: number; currency: "EUR" | "USD" }>();
      // @ts-expect-error not in the schema
      void ctx.config.region;
    });
    asset("b", (ctx) => {
      expectTypeOf(ctx.config).toEqualTypeOf<undefined>();
    });
  });

  it("types ctx.resources from classes, resource definitions and required keys", () => {
    class Warehouse {
      query(sql: string): string[] {
        return [sql];
      }
    }
    const api = resource({ setup: () => ({ token: "t" }) });
    asset({ name: "a", resources: { db: Warehouse, api }, requiredResourceKeys: ["legacy"] }, (ctx) => {
      expectTypeOf(ctx.resources.db).toEqualTypeOf<Warehouse>();
      expectTypeOf(ctx.resources.api).toEqualTypeOf<{ token: string }>();
      expectTypeOf(ctx.resources.legacy).toEqualTypeOf<unknown>();
      // @ts-expect-error not a declared resource
      void ctx.resources.undeclared;
    });
  });

  it("gives the context its key and log", () => {
    asset("a", (ctx) => {
      expectTypeOf(ctx.assetKey).toEqualTypeOf<AssetKey>();
      expectTypeOf(ctx.log.info).parameters.toEqualTypeOf<[message: string, fields?: Record<string, unknown>]>();
    });
  });

  it("rejects an input that is not an asset, AssetIn, spec or key", () => {
    // @ts-expect-error a number is not an input source
    asset({ name: "a", ins: { x: 42 } }, () => 1);
  });
});
