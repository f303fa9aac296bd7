// The exact errors of bad Definitions, and which one wins when an input has several problems: the checks were
// fused into fewer passes for large code locations, and these pin what each reports.
import { describe, expect, it } from "vitest";
import { DuplicateAssetKeyError, InvalidDefinitionError, MissingResourceError } from "../core/index.js";
import { Definitions } from "../code-location/index.js";
import { asset } from "./asset.js";
import { AssetCheckResult, assetCheck } from "./asset-check.js";
import { AssetIn } from "./asset-dep.js";
import { AssetSpec } from "./asset-spec.js";
import { AssetOut, multiAsset } from "./multi-asset.js";

function errorOf(build: () => unknown): Error {
  try {
    build();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("duplicate keys", () => {
  it("names the first definition of the key and the later one, with the later one's position", () => {
    const first = asset("orders", () => 1);
    const other = asset("revenue", () => 1);
    const error = errorOf(() => new Definitions({ assets: [first, other, new AssetSpec("orders")] }));
    expect(error).toBeInstanceOf(DuplicateAssetKeyError);
    expect(error.message).toBe(
      'Asset key "orders" is defined more than once (by asset definition of op "orders" and by AssetSpec "orders", at assets[2]). Each asset key must be defined by exactly one definition: rename one of them or give it a keyPrefix.',
    );
  });

  it("reports the first duplicate in order when there are several", () => {
    const a = asset("a", () => 1);
    const b = asset("b", () => 1);
    const error = errorOf(() => new Definitions({ assets: [a, b, new AssetSpec("b"), new AssetSpec("a")] }));
    expect((error as DuplicateAssetKeyError).assetKey).toBe("b");
    expect(error.message).toContain("at assets[2]");
  });

  it("names a multi-asset that repeats a key of an earlier spec", () => {
    const spec = new AssetSpec("c");
    const both = multiAsset({ name: "both", outs: { d: new AssetOut(), c: new AssetOut() } }, () => ({ c: 1, d: 2 }));
    const error = errorOf(() => new Definitions({ assets: [spec, both] }));
    expect(error.message).toContain('(by AssetSpec "c" and by asset definition of op "both", at assets[1])');
  });

  it("reports an item that is not an asset before a duplicate key", () => {
    const a = asset("a", () => 1);
    const error = errorOf(() => new Definitions({ assets: [a, a, { key: "x" } as never] }));
    expect(error.message).toMatch(/assets\[2\] is not an asset definition/);
  });

  it("reports a bare dependency that resolves to a repeated one before a duplicate key", () => {
    const orders = asset({ name: "orders", keyPrefix: "shop" }, () => 1);
    const total = asset({ name: "total", keyPrefix: "shop", ins: { orders: new AssetIn(), again: new AssetIn({ key: "shop/orders" }) } }, () => 2);
    const error = errorOf(() => new Definitions({ assets: [orders, total, new AssetSpec("shop/total")] }));
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    expect(error).not.toBeInstanceOf(DuplicateAssetKeyError);
  });
});

describe("op names", () => {
  it("names both owners in definition order, whichever of them is named after its key", () => {
    const keyed = asset({ key: ["a", "b"] }, () => 1);
    const plain = asset("a__b", () => 1);
    expect(errorOf(() => new Definitions({ assets: [plain, keyed] })).message).toBe(
      'Op name "a__b" is used by the definition of "a__b" and by the definition of "a/b"; step keys must be unique. Give one of them another name (or key).',
    );
    expect(errorOf(() => new Definitions({ assets: [keyed, plain] })).message).toBe(
      'Op name "a__b" is used by the definition of "a/b" and by the definition of "a__b"; step keys must be unique. Give one of them another name (or key).',
    );
  });

  it("finds two ops named apart from their keys, and a check op named like an asset", () => {
    const one = multiAsset({ name: "shared", outs: { x: new AssetOut(), y: new AssetOut() } }, () => ({ x: 1, y: 2 }));
    const two = multiAsset({ name: "shared", outs: { z: new AssetOut() } }, () => ({ z: 1 }));
    expect(errorOf(() => new Definitions({ assets: [one, two] })).message).toMatch(/^Op name "shared" is used by the definition of "x", "y" and by the definition of "z";/);

    const orders = asset("orders", () => 1);
    const clash = asset("orders_fresh", () => 1);
    const check = assetCheck({ asset: "orders", name: "fresh" }, () => new AssetCheckResult({ passed: true }));
    expect(errorOf(() => new Definitions({ assets: [orders, clash], assetChecks: [check] })).message).toMatch(
      /^Op name "orders_fresh" is used by the definition of "orders_fresh" and by asset check "orders:fresh";/,
    );
  });

  it("accepts an op named after one of its own several keys", () => {
    const own = multiAsset({ name: "x", outs: { x: new AssetOut(), y: new AssetOut() } }, () => ({ x: 1, y: 2 }));
    expect(() => new Definitions({ assets: [own, asset("z", () => 1)] })).not.toThrow();
  });
});

describe("resources", () => {
  it("names the first missing key in the order of requiredResourceKeys: the op's, then IO managers, then input managers", () => {
    const a = asset({ name: "a", requiredResourceKeys: ["db"], ioManagerKey: "store", ins: { up: new AssetIn({ key: "up", inputManagerKey: "loader" }) } }, () => 1);
    const missing = (resources: Record<string, unknown>): string => (errorOf(() => new Definitions({ assets: [a], resources })) as MissingResourceError).message;
    expect(missing({})).toMatch(/requires resource "db"/);
    expect(missing({ db: {} })).toMatch(/requires resource "store".*available: "db"/);
    expect(missing({ db: {}, store: {} })).toMatch(/requires resource "loader"/);
    expect(() => new Definitions({ assets: [a], resources: { db: {}, store: {}, loader: {} } })).not.toThrow();
  });
});
