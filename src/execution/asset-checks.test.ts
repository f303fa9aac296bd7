import { describe, expect, it } from "vitest";
import { AssetCheckFailedError, UnknownAssetError } from "../core/index.js";
import {
  AssetCheckResult,
  AssetCheckSeverity,
  AssetCheckSpec,
  AssetIn,
  AssetOut,
  AssetSpec,
  MaterializeResult,
  asset,
  assetCheck,
  multiAsset,
} from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { AssetSelection } from "../graph/index.js";
import { Instance } from "../instance/index.js";
import { materialize } from "../code-location/index.js";

const orders = asset("orders", () => [{ id: 1, amount: 10 }, { id: 2, amount: -5 }]);
const revenue = asset({ name: "revenue", ins: { orders } }, (_ctx, { orders }) => orders.reduce((sum, o) => sum + o.amount, 0));
const noNegativeAmounts = (blocking: boolean, severity: AssetCheckSeverity = "ERROR") =>
  assetCheck({ asset: orders, name: "no_negative_amounts", blocking }, (_ctx, { asset }) => {
    const negative = asset.filter((o) => o.amount < 0).length;
    return new AssetCheckResult({ passed: negative === 0, severity, metadata: { negative } });
  });

describe("asset checks", () => {
  it("runs a check after its asset in the same run, on the asset's value, and records the evaluation", async () => {
    const instance = Instance.ephemeral();
    const check = noNegativeAmounts(false);
    const result = await materialize([orders], { instance, ...{} }).then(() =>
      new Definitions({ assets: [orders], assetChecks: [check] }).materialize(undefined, { instance }),
    );
    const types = result.allEvents.map((e) => `${e.eventType}${e.stepKey ? `@${e.stepKey}` : ""}`);
    expect(types.indexOf("ASSET_MATERIALIZATION@orders")).toBeLessThan(types.indexOf("STEP_START@orders_no_negative_amounts"));
    const [evaluation] = result.getAssetCheckEvaluations();
    expect(evaluation).toMatchObject({ checkName: "no_negative_amounts", passed: false, severity: "ERROR", metadata: { negative: { type: "int", value: 1 } } });
    expect(evaluation?.assetKey?.toString()).toBe("orders");
    expect(result.success).toBe(true);
    const stored = await instance.getLatestAssetCheckEvaluations("orders");
    expect(stored.get("no_negative_amounts")?.passed).toBe(false);
    expect((await instance.getAssetCheckEvaluations("orders", { checkName: "no_negative_amounts" })).length).toBe(1);
  });

  it("stops the assets downstream of a failed blocking check, keeping the checked asset's materialization", async () => {
    const instance = Instance.ephemeral();
    const defs = new Definitions({ assets: [orders, revenue], assetChecks: [noNegativeAmounts(true)] });
    const result = await defs.materialize(undefined, { instance, raiseOnError: false });
    expect(result.success).toBe(false);
    expect(result.materializedKeys.map(String)).toEqual(["orders"]);
    expect(result.getStepFailureEvents()[0]?.error?.name).toBe("AssetCheckFailedError");
    expect(result.getStepSkippedEvents().map((e) => e.stepKey)).toEqual(["revenue"]);
    await expect(defs.materialize(undefined, { instance })).rejects.toThrow(AssetCheckFailedError);
  });

  it("lets downstream assets run after a failed non-blocking check or a blocking one of severity WARN", async () => {
    for (const check of [noNegativeAmounts(false), noNegativeAmounts(true, AssetCheckSeverity.WARN)]) {
      const result = await new Definitions({ assets: [orders, revenue], assetChecks: [check] }).materialize();
      expect(result.success).toBe(true);
      expect(result.materializedKeys.map(String)).toEqual(["orders", "revenue"]);
    }
  });

  it("evaluates checks declared in an asset's checkSpecs from yielded results and MaterializeResult.checkResults", async () => {
    const yielded = asset({ name: "yielded", checkSpecs: [new AssetCheckSpec("non_empty", { asset: "yielded" })] }, async function* () {
      yield new MaterializeResult({ value: [1] });
      yield new AssetCheckResult({ passed: true });
    });
    const attached = asset({ name: "attached", checkSpecs: [new AssetCheckSpec("fresh", { asset: "attached" }), new AssetCheckSpec("small", { asset: "attached" })] }, () =>
      new MaterializeResult({
        value: 2,
        checkResults: [new AssetCheckResult({ checkName: "fresh", passed: true }), new AssetCheckResult({ checkName: "small", passed: false, severity: "WARN" })],
      }),
    );
    const result = await materialize([yielded, attached]);
    const evaluations = result.getAssetCheckEvaluations().map((e) => [e.assetKey?.toString(), e.checkName, e.passed]);
    expect(evaluations.sort()).toEqual([
      ["attached", "fresh", true],
      ["attached", "small", false],
      ["yielded", "non_empty", true],
    ]);
  });

  it("evaluates the checkSpecs of a multi-asset, each result naming its asset; a failed blocking one fails the step after its materializations", async () => {
    const instance = Instance.ephemeral();
    const pair = multiAsset(
      {
        name: "pair",
        outs: { left: new AssetOut<number>(), right: new AssetOut<number>() },
        checkSpecs: [new AssetCheckSpec("left_positive", { asset: "left", blocking: true }), new AssetCheckSpec("right_positive", { asset: "right" })],
      },
      async function* () {
        yield new MaterializeResult({ assetKey: "left", value: -1 });
        yield new MaterializeResult({ assetKey: "right", value: 2 });
        yield new AssetCheckResult({ assetKey: "left", checkName: "left_positive", passed: false });
        yield new AssetCheckResult({ assetKey: "right", checkName: "right_positive", passed: true });
      },
    );
    const afterLeft = asset({ name: "after_left", ins: { left: new AssetIn<number>({ key: "left" }) } }, (_ctx, { left }) => left * 10);
    const afterRight = asset({ name: "after_right", ins: { right: new AssetIn<number>({ key: "right" }) } }, (_ctx, { right }) => right * 10);
    const result = await new Definitions({ assets: [pair, afterLeft, afterRight] }).materialize(undefined, { instance, raiseOnError: false });
    expect(result.getAssetCheckEvaluations().map((e) => [e.assetKey?.toString(), e.checkName, e.passed]).sort()).toEqual([
      ["left", "left_positive", false],
      ["right", "right_positive", true],
    ]);
    // As in the reference, the blocking failure fails the whole step: everything downstream of it is skipped.
    expect(result.materializedKeys.map(String)).toEqual(["left", "right"]);
    expect(result.getStepFailureEvents()[0]?.error?.name).toBe("AssetCheckFailedError");
    expect(result.getStepSkippedEvents().map((e) => e.stepKey).sort()).toEqual(["after_left", "after_right"]);
    expect((await instance.getLatestAssetCheckEvaluations("left")).get("left_positive")?.passed).toBe(false);
  });

  it("fails an asset that does not report a declared check, or reports one it does not declare", async () => {
    const silent = asset({ name: "silent", checkSpecs: [new AssetCheckSpec("declared", { asset: "silent" })] }, () => 1);
    await expect(materialize([silent])).rejects.toThrow(/did not report a result for check "silent:declared"/);
    const chatty = asset("chatty", async function* () {
      yield new MaterializeResult({ value: 1 });
      yield new AssetCheckResult({ checkName: "surprise", passed: true });
    });
    await expect(materialize([chatty])).rejects.toThrow(/reported a result for check "\?:surprise", which it does not declare/);
  });

  it("fails a check that returns something other than an AssetCheckResult", async () => {
    const wrong = assetCheck({ asset: orders, name: "wrong" }, () => true as unknown as AssetCheckResult);
    await expect(new Definitions({ assets: [orders], assetChecks: [wrong] }).materialize()).rejects.toThrow(/returned a boolean \(true\); a check returns new AssetCheckResult/);
  });

  it("rejects a check of an undefined asset with did-you-mean, and two checks with one name", () => {
    const typo = assetCheck({ asset: "ordres", name: "c" }, () => new AssetCheckResult({ passed: true }));
    expect(() => new Definitions({ assets: [orders], assetChecks: [typo] })).toThrow(UnknownAssetError);
    expect(() => new Definitions({ assets: [orders], assetChecks: [typo] })).toThrow(/Did you mean "orders"/);
    expect(() => new Definitions({ assets: [orders], assetChecks: [noNegativeAmounts(false), noNegativeAmounts(true)] })).toThrow(/"orders:no_negative_amounts" is defined twice/);
    expect(() => asset({ name: "a", checkSpecs: [new AssetCheckSpec("c", { asset: "b" })] }, () => 1)).toThrow(/targets "b", which that op does not compute/);
  });

  it("selects checks with their assets, leaves them out with withoutChecks, and runs them alone", async () => {
    const instance = Instance.ephemeral();
    const check = noNegativeAmounts(false);
    const defs = new Definitions({ assets: [orders, revenue], assetChecks: [check] });
    const withChecks = await defs.materialize(AssetSelection.assets(orders), { instance });
    expect(withChecks.getAssetCheckEvaluations().length).toBe(1);
    const without = await defs.materialize(AssetSelection.assets(orders).withoutChecks(), { instance });
    expect(without.getAssetCheckEvaluations().length).toBe(0);
    const alone = await defs.materialize(AssetSelection.checks({ assetKey: "orders", name: "no_negative_amounts" }), { instance });
    expect(alone.materializedKeys).toEqual([]);
    expect(alone.getAssetCheckEvaluations().length).toBe(1);
    expect(AssetSelection.allAssetChecks().resolveChecks(defs).map((c) => `${c.assetKey}:${c.name}`)).toEqual(["orders:no_negative_amounts"]);
  });

  it("skips a check whose asset failed", async () => {
    const broken = asset("broken", (): number[] => {
      throw new Error("no data");
    });
    const check = assetCheck({ asset: broken, name: "positive" }, (_ctx, { asset }) => new AssetCheckResult({ passed: asset.every((n) => n > 0) }));
    const result = await new Definitions({ assets: [broken], assetChecks: [check] }).materialize(undefined, { raiseOnError: false });
    expect(result.getStepSkippedEvents().map((e) => e.stepKey)).toEqual(["broken_positive"]);
  });

  it("checks an external asset without loading it when the compute takes no value", async () => {
    const feed = new AssetSpec("vendor_feed");
    const exists = assetCheck({ asset: feed, name: "delivered" }, () => new AssetCheckResult({ passed: true, metadata: { files: 3 } }));
    const result = await new Definitions({ assets: [feed], assetChecks: [exists] }).materialize(AssetSelection.checksForAssets(feed));
    expect(result.getAssetCheckEvaluations()[0]?.passed).toBe(true);
  });
});

describe("check definitions where the reference takes them", () => {
  it("materializes [asset, check] with materialize(), running the check after its asset", async () => {
    const check = noNegativeAmounts(false);
    const result = await materialize([orders, check]);
    expect(result.getAssetMaterializationEvents().map((e) => String(e.assetKey))).toEqual(["orders"]);
    expect(result.getAssetCheckEvaluations().map((e) => e.checkName)).toEqual(["no_negative_amounts"]);
  });

  it("selects a check by its definition with AssetSelection.checks(check)", async () => {
    const check = noNegativeAmounts(false);
    const other = assetCheck({ asset: orders, name: "has_rows" }, (_ctx, { asset }) => new AssetCheckResult({ passed: asset.length > 0 }));
    const defs = new Definitions({ assets: [orders], assetChecks: [check, other] });
    expect(AssetSelection.checks(check).resolveChecks(defs).map((c) => c.name)).toEqual(["no_negative_amounts"]);
    const result = await defs.materialize(AssetSelection.assets(orders).withoutChecks().or(AssetSelection.checks(other)));
    expect(result.getAssetCheckEvaluations().map((e) => e.checkName)).toEqual(["has_rows"]);
  });

  it("refuses a value that is neither a check definition nor a check key, naming what it got", () => {
    expect(() => AssetSelection.checks({ assetKey: "orders" } as never)).toThrow(/check definitions .* or \{ assetKey, name \} check keys, got \{"assetKey":"orders"\}/);
  });
});
