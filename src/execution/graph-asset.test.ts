import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { AssetOut, AssetsDefinition, In, asset, graph, graphAsset, graphMultiAsset, op, resource } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { materialize } from "../code-location/index.js";

const rawOrders = asset("raw_orders", () => [3, -1, 4, 1, -5, 9]);
const dropNegative = op({ name: "drop_negative", ins: { rows: new In<number[]>() } }, (_ctx, { rows }) => rows.filter((n) => n >= 0));
const scale = op({ name: "scale", ins: { rows: new In<number[]>() }, config: z.object({ factor: z.number().default(10) }) }, (ctx, { rows }) =>
  rows.map((n) => n * ctx.config.factor),
);
const total = op({ name: "total", ins: { rows: new In<number[]>() } }, (_ctx, { rows }) => rows.reduce((a, b) => a + b, 0));

describe("graph-backed assets", () => {
  it("computes an asset by running the ops its compose function wired, in order", async () => {
    const cleanTotal = graphAsset({ name: "clean_total", ins: { rawOrders } }, ({ rawOrders }) => total({ rows: scale({ rows: dropNegative({ rows: rawOrders }) }) }));
    expectTypeOf(cleanTotal).toEqualTypeOf<AssetsDefinition<number>>();
    const result = await materialize([rawOrders, cleanTotal]);
    expect(result.assetValue("clean_total")).toBe(170);
    expect(cleanTotal.op.name).toBe("clean_total");
    expect(cleanTotal.op.graph?.invocations.map((i) => i.alias)).toEqual(["drop_negative", "scale", "total"]);
  });

  it("takes each op's config at ops.<asset>.ops.<op>.config and names the path of a bad value", async () => {
    const scaled = graphAsset({ name: "scaled", ins: { rawOrders } }, ({ rawOrders }) => total({ rows: scale({ rows: rawOrders }) }));
    const result = await materialize([rawOrders, scaled], { runConfig: { ops: { scaled: { ops: { scale: { config: { factor: 2 } } } } } } });
    expect(result.assetValue("scaled")).toBe(22);
    await expect(materialize([rawOrders, scaled], { runConfig: { ops: { scaled: { ops: { scale: { config: { factor: "x" } } } } } } })).rejects.toThrow(
      /ops\.scaled\.ops\.scale\.config\.factor/,
    );
    await expect(materialize([rawOrders, scaled], { runConfig: { ops: { scaled: { ops: { nope: { config: {} } } } } } })).rejects.toThrow(/graph "scaled" has no op "nope"/);
  });

  it("aliases an op called twice, as the reference does, and wires nested graphs into the asset's graph", async () => {
    const twice = graphAsset({ name: "twice", ins: { rawOrders } }, ({ rawOrders }) => total({ rows: dropNegative({ rows: dropNegative({ rows: rawOrders }) }) }));
    expect(twice.op.graph?.invocations.map((i) => i.alias)).toEqual(["drop_negative", "drop_negative_2", "total"]);
    const clean = graph({ name: "clean", inputNames: ["rows"] }, ({ rows }) => dropNegative({ rows: rows as never }));
    const nested = graphAsset({ name: "nested", ins: { rawOrders } }, ({ rawOrders }) => total({ rows: clean({ rows: rawOrders }) as never }));
    expect((await materialize([rawOrders, nested])).assetValue("nested")).toBe(17);
  });

  it("computes several assets from one graph with graphMultiAsset", async () => {
    const split = op({ name: "positives", ins: { rows: new In<number[]>() } }, (_ctx, { rows }) => rows.filter((n) => n > 0));
    const negatives = op({ name: "negatives", ins: { rows: new In<number[]>() } }, (_ctx, { rows }) => rows.filter((n) => n < 0));
    const both = graphMultiAsset({ name: "signs", ins: { rawOrders }, outs: { up: new AssetOut<number[]>(), down: new AssetOut<number[]>() } }, ({ rawOrders }) => ({
      up: split({ rows: rawOrders }),
      down: negatives({ rows: rawOrders }),
    }));
    const result = await materialize([rawOrders, both]);
    expect([result.assetValue("up"), result.assetValue("down")]).toEqual([[3, 4, 1, 9], [-1, -5]]);
  });

  it("needs the resources of every op in the graph", () => {
    const warehouse = resource({ setup: () => ({ write: () => undefined }) });
    const store = op({ name: "store", ins: { rows: new In<number[]>() }, requiredResourceKeys: ["warehouse"] }, () => 1);
    const stored = graphAsset({ name: "stored", ins: { rawOrders } }, ({ rawOrders }) => store({ rows: rawOrders }));
    expect([...stored.requiredResourceKeys]).toContain("warehouse");
    expect(() => new Definitions({ assets: [rawOrders, stored] })).toThrow(/requires resource "warehouse"/);
    expect(() => new Definitions({ assets: [rawOrders, stored], resources: { warehouse } })).not.toThrow();
  });

  it("builds assets from a graph or a single op with AssetsDefinition.fromGraph and fromOp", async () => {
    const pipeline = graph({ name: "order_total", inputNames: ["raw_orders"] }, ({ raw_orders }) => total({ rows: dropNegative({ rows: raw_orders as never }) }));
    const fromGraph = AssetsDefinition.fromGraph(pipeline);
    const fromOp = AssetsDefinition.fromOp(dropNegative, { keysByInputName: { rows: "raw_orders" }, keysByOutputName: { result: "positives_only" } });
    const result = await materialize([rawOrders, fromGraph, fromOp]);
    expect(result.assetValue("order_total")).toBe(17);
    expect(result.assetValue("positives_only")).toEqual([3, 4, 1, 9]);
  });

  it("rejects wiring the reference forbids, naming the op and the fix", () => {
    expect(() => dropNegative({ rows: undefined as never })).toThrow(/called outside a compose function/);
    expect(() => graphAsset({ name: "plain_value", ins: { rawOrders } }, () => total({ rows: [1, 2] as never }))).toThrow(/passes a plain value for input "rows"/);
    expect(() => graphAsset({ name: "unconnected" }, () => total({} as never))).toThrow(/leaves input "rows" unconnected/);
    expect(() => graphAsset({ name: "unknown_input", ins: { rawOrders } }, ({ rawOrders }) => total({ rows: rawOrders, extra: rawOrders } as never))).toThrow(
      /passes input "extra", which the op does not have/,
    );
    let leaked: unknown;
    graphAsset({ name: "first", ins: { rawOrders } }, ({ rawOrders }) => (leaked = dropNegative({ rows: rawOrders })));
    expect(() => graphAsset({ name: "second", ins: { rawOrders } }, () => total({ rows: leaked as never }))).toThrow(/another graph's compose function/);
    expect(() => graphAsset({ name: "returns_nothing", ins: { rawOrders } }, () => undefined as never)).toThrow(/must return the output of an op call/);
  });

  it("fails the step when an op's input or output fails its type check", async () => {
    const strict = op({ name: "strict", ins: { rows: new In<number[]>({ type: z.array(z.number().positive()) }) } }, (_ctx, { rows }) => rows.length);
    const checked = graphAsset({ name: "checked", ins: { rawOrders } }, ({ rawOrders }) => strict({ rows: rawOrders }));
    await expect(materialize([rawOrders, checked])).rejects.toThrow(/Input "rows" of op "strict" in graph "checked" failed its type check/);
  });
});
