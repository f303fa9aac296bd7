import { describe, expect, it, vi } from "vitest";
import {
  AssetSpec,
  DataVersionsByPartition,
  ObserveResult,
  SourceAsset,
  asset,
  defineAssetJob,
  multiObservableSourceAsset,
  observableSourceAsset,
} from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { DataVersion } from "../versioning/index.js";
import { materialize, observe } from "../code-location/index.js";

describe("observable source assets", () => {
  it("records an observation carrying the data version the observe function returns", async () => {
    const instance = Instance.ephemeral();
    const vendorFeed = observableSourceAsset({ name: "vendor_feed", groupName: "vendors" }, () => new DataVersion("2026-11-24"));
    const result = await observe([vendorFeed], { instance });
    const [observation] = result.getAssetObservationEvents();
    expect(observation?.tags?.["tessera/data_version"]).toBe("2026-11-24");
    expect((await instance.getLatestObservationEvent("vendor_feed"))?.runId).toBe(result.runId);
    expect(result.materializedKeys).toEqual([]);
    expect(result.run.jobName).toBe("__OBSERVE_JOB");
  });

  it("takes an ObserveResult with metadata, and DataVersionsByPartition per partition", async () => {
    const files = observableSourceAsset({ name: "files" }, async () => new ObserveResult({ dataVersion: "v7", metadata: { files: 12 } }));
    const daily = observableSourceAsset({ name: "daily_exports" }, () => new DataVersionsByPartition({ "2026-11-23": "a1", "2026-11-24": "b2" }));
    const result = await observe([files, daily]);
    const byKey = (key: string) => result.getAssetObservationEvents().filter((e) => e.assetKey?.toString() === key);
    expect(byKey("files")[0]).toMatchObject({ metadata: { files: { type: "int", value: 12 } }, tags: { "tessera/data_version": "v7" } });
    expect(byKey("daily_exports").map((e) => [e.partition, e.tags?.["tessera/data_version"]])).toEqual([
      ["2026-11-23", "a1"],
      ["2026-11-24", "b2"],
    ]);
  });

  it("observes several assets with one function, each ObserveResult naming its asset", async () => {
    const feeds = multiObservableSourceAsset({ name: "feeds", specs: [new AssetSpec("eu_feed"), new AssetSpec("us_feed")] }, async function* () {
      yield new ObserveResult({ assetKey: "eu_feed", dataVersion: "1" });
      yield new ObserveResult({ assetKey: "us_feed", dataVersion: "2" });
    });
    const result = await observe([feeds]);
    expect(result.getAssetObservationEvents().map((e) => `${e.assetKey}=${e.tags?.["tessera/data_version"]}`)).toEqual(["eu_feed=1", "us_feed=2"]);
  });

  it("fails an observe function that returns the wrong thing, saying what to return", async () => {
    const wrong = observableSourceAsset({ name: "wrong" }, () => "v1" as unknown as DataVersion);
    await expect(observe([wrong])).rejects.toThrow(/returned a string \(v1\); return a DataVersion, DataVersionsByPartition or ObserveResult/);
    const unnamed = multiObservableSourceAsset({ name: "m", specs: [new AssetSpec("a"), new AssetSpec("b")] }, () => new ObserveResult({ dataVersion: "1" }));
    await expect(observe([unnamed])).rejects.toThrow(/give each ObserveResult an assetKey/);
  });

  it("is an upstream whose observed version the downstream's provenance records, and cannot be materialized", async () => {
    const instance = Instance.ephemeral();
    const prices = observableSourceAsset({ name: "prices" }, () => new DataVersion("p1"));
    const report = asset({ name: "report", deps: [prices], codeVersion: "1" }, () => "ok");
    await observe([prices, report], { instance });
    const materialized = await materialize([prices, report], { instance });
    expect(materialized.getAssetMaterializationEvents()[0]?.tags?.["tessera/input_data_version/prices"]).toBe("p1");
    await expect(materialize([prices, report], { instance, selection: ["prices"] })).rejects.toThrow(/Observe them with observe\(\)/);
  });

  it("is observed by a job that selects it, before the assets downstream", async () => {
    const prices = observableSourceAsset({ name: "prices" }, () => new ObserveResult({ dataVersion: "p2", checkResults: [] }));
    const report = asset({ name: "report", deps: [prices] }, () => "ok");
    const job = defineAssetJob({ name: "refresh", selection: ["prices", "report"] });
    const result = await new Definitions({ assets: [prices, report], jobs: [job] }).getJobDef("refresh").executeInProcess();
    expect(result.allEvents.filter((e) => e.eventType === "ASSET_OBSERVATION" || e.eventType === "ASSET_MATERIALIZATION").map((e) => e.eventType)).toEqual([
      "ASSET_OBSERVATION",
      "ASSET_MATERIALIZATION",
    ]);
    expect(result.getAssetMaterializationEvents()[0]?.tags?.["tessera/input_data_version/prices"]).toBe("p2");
  });

  it("refuses to observe assets that are not observable", async () => {
    const plain = asset("plain", () => 1);
    await expect(observe([plain], { selection: ["plain"] })).rejects.toThrow(/only observable source assets/);
  });
});

describe("SourceAsset (deprecated)", () => {
  it("still declares an external asset, or an observable one with observeFn, and warns once", async () => {
    const warning = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const raw = new SourceAsset("raw_orders", { description: "exported nightly" });
    const observed = new SourceAsset("raw_customers", { observeFn: () => new DataVersion("c1") });
    new SourceAsset("third");
    expect(warning).toHaveBeenCalledTimes(1);
    expect(String(warning.mock.calls[0]?.[0])).toMatch(/use|AssetSpec/);
    warning.mockRestore();
    const clean = asset({ name: "clean", ins: { raw } }, () => 1);
    const defs = new Definitions({ assets: [raw, observed, clean] });
    expect(defs.getAllAssetSpecs().map((s) => s.key.toString())).toEqual(["raw_orders", "raw_customers", "clean"]);
    const result = await observe([observed]);
    expect(result.getAssetObservationEvents()[0]?.tags?.["tessera/data_version"]).toBe("c1");
  });
});
