import { describe, expect, it } from "vitest";
import {
  AssetCheckResult,
  AssetSelection,
  AssetSpec,
  assetCheck,
  AutomationCondition,
  AutomationConditionSensorDefinition,
  DailyPartitionsDefinition,
  StaticPartitionsDefinition,
  backfillAssetStatuses,
  launchBackfill,
  DEFAULT_AUTOMATION_CONDITION_SENSOR_NAME,
  DefaultSensorStatus,
  Instance,
  ManualClock,
  SensorDefinition,
  asset,
  automationConditionSensorsOf,
  materialize,
  sensor,
  InvalidDefinitionError,
  type EvaluationTreeNode,
} from "../index.js";
import { Definitions } from "../code-location/index.js";
import { report } from "./condition/test-scenario.js";

const START = Date.UTC(2026, 10, 2, 1, 5);

function graph() {
  const a = asset({ name: "A", groupName: "raw" }, () => 1);
  const b = asset({ name: "B", deps: [a], groupName: "raw", automationCondition: AutomationCondition.eager() }, () => 2);
  const c = asset({ name: "C", deps: [b], groupName: "ml", automationCondition: AutomationCondition.eager() }, () => 3);
  return { a, b, c };
}

describe("AutomationConditionSensorDefinition", () => {
  it("has the reference's defaults: stopped, every 30 s, backfills emitted, no run tags", () => {
    const s = new AutomationConditionSensorDefinition({ name: "auto", target: AssetSelection.all() });
    expect(s.defaultStatus).toBe("STOPPED");
    expect(s.minimumIntervalSeconds).toBe(30);
    expect(s.emitBackfills).toBe(true);
    expect(s.runTags).toEqual({});
    expect(s.defaultCondition).toBeUndefined();
    expect(s).toBeInstanceOf(SensorDefinition);
    expect(s.sensorType).toBe("automation");
  });

  it("takes a selection string, keys or definitions as target", () => {
    const { a, b, c } = graph();
    const defs = new Definitions({ assets: [a, b, c] });
    expect(Object.keys(new AutomationConditionSensorDefinition({ name: "s1", target: "group:ml" }).conditionsIn(defs))).toEqual(["C"]);
    expect(Object.keys(new AutomationConditionSensorDefinition({ name: "s2", target: ["B"] }).conditionsIn(defs))).toEqual(["B"]);
    expect(Object.keys(new AutomationConditionSensorDefinition({ name: "s3", target: [b, c] }).conditionsIn(defs)).sort()).toEqual(["B", "C"]);
  });

  it("rejects a job, a missing target and a non-condition defaultCondition, naming the sensor", () => {
    expect(() => new AutomationConditionSensorDefinition({ name: "s" } as never)).toThrow(/automation condition sensor "s" needs a target/);
    expect(() => new AutomationConditionSensorDefinition({ name: "s", target: "*", defaultCondition: {} as never })).toThrow(InvalidDefinitionError);
    expect(() => new AutomationConditionSensorDefinition({ name: "s", target: "*", minimumIntervalSeconds: -1 })).toThrow(/minimumIntervalSeconds/);
  });

  it("a location whose only conditions are its checks' gets the default sensor, which requests those checks alone", async () => {
    const orders = new AssetSpec("orders");
    const fresh = assetCheck({ asset: orders, name: "fresh", automationCondition: AutomationCondition.anyDepsMatch(AutomationCondition.newlyUpdated()) }, () => new AssetCheckResult({ passed: true }));
    const defs = new Definitions({ assets: [orders], assetChecks: [fresh] });
    const [sensor] = automationConditionSensorsOf(defs);
    expect(sensor?.name).toBe(DEFAULT_AUTOMATION_CONDITION_SENSOR_NAME);
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    const first = await (sensor as AutomationConditionSensorDefinition).evaluate({ defs, instance });
    await report.materialization(instance, "orders");
    const second = await (sensor as AutomationConditionSensorDefinition).evaluate({ defs, instance, cursor: first.cursor });
    expect(second.runRequests.map((r) => [r.assetSelection, r.assetCheckKeys?.map((c) => `${c.assetKey.toString()}:${c.name}`), r.tags["tessera/sensor_name"]])).toEqual([[[], ["orders:fresh"], DEFAULT_AUTOMATION_CONDITION_SENSOR_NAME]]);
  });

  it("is accepted by Definitions sensors beside other sensors, names unique across them", () => {
    const { a, b, c } = graph();
    const auto = new AutomationConditionSensorDefinition({ name: "auto", target: "*" });
    const other = sensor({ name: "other", target: [a] }, () => null);
    const defs = new Definitions({ assets: [a, b, c], sensors: [auto, other] });
    expect(defs.sensors.map((s) => s.name)).toEqual(["auto", "other"]);
    expect(() => new Definitions({ assets: [a, b, c], sensors: [auto, sensor({ name: "auto", target: [a] }, () => null)] })).toThrow(/Two definitions are named "auto"/);
  });

  it("evaluates only the assets it targets, puts runTags on runs, and records one evaluation per asset", async () => {
    const { a, b, c } = graph();
    const defs = new Definitions({ assets: [a, b, c] });
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    const s = new AutomationConditionSensorDefinition({ name: "raw_auto", target: AssetSelection.groups("raw"), runTags: { team: "data" } });
    const first = await s.evaluate({ defs, instance });
    expect(first.evaluationId).toBe(1);
    expect(first.evaluations.map((e) => e.assetKey)).toEqual(["B"]);
    expect(first.runRequests).toEqual([]);

    await materialize([a], { instance });
    const second = await s.evaluate({ defs, instance, cursor: first.cursor });
    expect(second.evaluationId).toBe(2);
    expect(second.runRequests).toHaveLength(1);
    const run = second.runRequests[0];
    expect(run?.assetSelection?.map(String)).toEqual(["B"]);
    expect(run?.tags).toMatchObject({ team: "data", "tessera/sensor_name": "raw_auto" });
    expect(run?.runKey).toMatch(/^raw_auto:2:/);
    const record = second.evaluations[0];
    expect(record).toMatchObject({ assetKey: "B", evaluationId: 2, sensorName: "raw_auto", numRequested: 1, timestamp: START });
    expect((record?.tree as EvaluationTreeNode).label).toBe("eager");
    expect((record?.tree as EvaluationTreeNode).isTrue).toBe(true);
  });

  it("returns evaluation records only for trees that changed since the previous evaluation, or that requested", async () => {
    const { a, b, c } = graph();
    const defs = new Definitions({ assets: [a, b, c] });
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    const s = new AutomationConditionSensorDefinition({ name: "auto", target: "*" });
    const first = await s.evaluate({ defs, instance });
    expect(first.evaluations.map((e) => e.assetKey)).toEqual(["B", "C"]);
    // initial_evaluation is no longer true: both trees change
    const second = await s.evaluate({ defs, instance, cursor: first.cursor });
    expect(second.evaluations.map((e) => e.assetKey)).toEqual(["B", "C"]);
    // nothing happened: nothing to store, though every asset was evaluated
    const third = await s.evaluate({ defs, instance, cursor: second.cursor });
    expect(third.evaluations).toEqual([]);
    expect(third.result.results.map((r) => r.key.toString())).toEqual(["B", "C"]);
    await materialize([a], { instance });
    const fourth = await s.evaluate({ defs, instance, cursor: third.cursor });
    expect(fourth.evaluations.map((e) => [e.assetKey, e.numRequested])).toEqual([
      ["B", 1],
      ["C", 1],
    ]);
  });

  it("repeating an evaluation from the same cursor gives the same run keys", async () => {
    const { a, b, c } = graph();
    const defs = new Definitions({ assets: [a, b, c] });
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    const s = new AutomationConditionSensorDefinition({ name: "auto", target: "*" });
    const first = await s.evaluate({ defs, instance });
    await materialize([a], { instance });
    const once = await s.evaluate({ defs, instance, cursor: first.cursor });
    const again = await s.evaluate({ defs, instance, cursor: first.cursor });
    expect(once.runRequests.map((r) => r.runKey)).toEqual(again.runRequests.map((r) => r.runKey));
    expect(once.runRequests.length).toBe(1);
  });

  it("gives targeted assets without a condition the defaultCondition", async () => {
    const a = asset({ name: "A" }, () => 1);
    const b = asset({ name: "B", deps: [a] }, () => 2);
    const defs = new Definitions({ assets: [a, b] });
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    const s = new AutomationConditionSensorDefinition({ name: "auto", target: "*", defaultCondition: AutomationCondition.missing() });
    const result = await s.evaluate({ defs, instance });
    expect(result.evaluations.map((e) => e.assetKey).sort()).toEqual(["A", "B"]);
    expect(result.numRequested).toBe(2);
  });

  it("with emitBackfills, an asset with several partitions requested goes to a backfill with its requested neighbours", async () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2026-10-30" });
    const a = asset({ name: "A", partitionsDef: daily, automationCondition: AutomationCondition.missing() }, () => 1);
    const b = asset({ name: "B", partitionsDef: daily, deps: [a], automationCondition: AutomationCondition.missing() }, () => 2);
    const u = asset({ name: "U", automationCondition: AutomationCondition.missing() }, () => 3);
    const defs = new Definitions({ assets: [a, b, u] });
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    const withBackfills = await new AutomationConditionSensorDefinition({ name: "auto", target: "*", runTags: { t: "1" } }).evaluate({ defs, instance });
    expect(withBackfills.backfillRequests).toHaveLength(1);
    const backfill = withBackfills.backfillRequests[0];
    expect(backfill?.assetSelection.map(String)).toEqual(["A", "B"]);
    expect(backfill?.partitionKeys).toEqual(["2026-10-30", "2026-10-31", "2026-11-01"]);
    expect(backfill?.tags).toMatchObject({ t: "1" });
    expect(withBackfills.runRequests.map((r) => r.assetSelection?.map(String))).toEqual([["U"]]);

    const runsOnly = await new AutomationConditionSensorDefinition({ name: "auto", target: "*", emitBackfills: false }).evaluate({ defs, instance });
    expect(runsOnly.backfillRequests).toEqual([]);
    expect(runsOnly.runRequests.map((r) => r.partitionKey ?? "-")).toEqual(["-", "2026-10-30", "2026-10-31", "2026-11-01"]);
    expect(runsOnly.runRequests[1]?.assetSelection?.map(String)).toEqual(["A", "B"]);
  });

  it("with emitBackfills, assets partitioned differently (and unpartitioned ones) connected to them go to ONE backfill by asset", async () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2026-10-31" });
    const regions = new StaticPartitionsDefinition(["eu", "us"]);
    const missing = AutomationCondition.missing();
    const a = asset({ name: "A", partitionsDef: daily, automationCondition: missing }, () => 1);
    const r = asset({ name: "R", partitionsDef: regions, automationCondition: missing }, () => 2);
    // U reads both: it joins them (and itself) into the one backfill.
    const u = asset({ name: "U", deps: [a, r], automationCondition: missing }, () => 3);
    const lone = asset({ name: "LONE", automationCondition: missing }, () => 4);
    const defs = new Definitions({ assets: [a, r, u, lone] });
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    const sensorDef = new AutomationConditionSensorDefinition({ name: "auto", target: "*" });
    const evaluation = await sensorDef.evaluate({ defs, instance });
    expect(evaluation.backfillRequests).toHaveLength(1);
    const backfill = evaluation.backfillRequests[0];
    expect(backfill?.assetSelection.map(String)).toEqual(["A", "R", "U"]);
    expect(backfill?.partitionKeys).toEqual([]);
    expect(backfill?.partitionsByAsset).toEqual({ A: ["2026-10-31", "2026-11-01"], R: ["eu", "us"], U: null });
    expect(evaluation.runRequests.map((q) => q.assetSelection?.map(String))).toEqual([["LONE"]]);
    // The preview shows the backfill as runs: the unpartitioned assets, then each asset's partitions.
    const tick = await sensorDef.evaluateTick({ definitions: defs, instance });
    expect(tick.runRequests.map((q) => `${q.assetSelection?.map(String).join(",")}:${q.partitionKey ?? "-"}`)).toEqual([
      "U:-",
      "A:2026-10-31",
      "A:2026-11-01",
      "R:eu",
      "R:us",
      "LONE:-",
    ]);

    // The request is what launchBackfill takes: every asset partition requested runs in that one backfill.
    const record = await launchBackfill(defs, { instance, partitionsByAsset: backfill?.partitionsByAsset ?? {}, tags: { ...backfill?.tags } });
    expect(record.status).toBe("COMPLETED");
    expect(backfillAssetStatuses(record).map((st) => [st.assetKey, st.numTargeted, st.numMaterialized])).toEqual([
      ["A", 2, 2],
      ["R", 2, 2],
      ["U", 1, 1],
    ]);
  });

  it("with emitBackfills, assets of one partitioning with different partitions requested share one backfill", async () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2026-10-30" });
    const a = asset({ name: "A", partitionsDef: daily, automationCondition: AutomationCondition.missing() }, () => 1);
    const b = asset({ name: "B", partitionsDef: daily, deps: [a], automationCondition: AutomationCondition.missing() }, () => 2);
    const defs = new Definitions({ assets: [a, b] });
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    const sensorDef = new AutomationConditionSensorDefinition({ name: "auto", target: "*" });
    await materialize([a, b], { instance, partitionKey: "2026-10-30" });
    // Both miss the same two partitions: one backfill by partition keys, as before.
    const alike = await sensorDef.evaluate({ defs, instance });
    expect(alike.backfillRequests.map((q) => [q.assetSelection.map(String), q.partitionKeys, q.partitionsByAsset])).toEqual([[["A", "B"], ["2026-10-31", "2026-11-01"], undefined]]);
    await materialize([a, b], { instance, partitionKey: "2026-10-31", selection: "B" });
    const differ = await sensorDef.evaluate({ defs, instance });
    expect(differ.backfillRequests).toHaveLength(1);
    expect(differ.backfillRequests[0]?.partitionsByAsset).toEqual({ A: ["2026-10-31", "2026-11-01"], B: ["2026-11-01"] });
    expect(differ.runRequests).toEqual([]);
  });

  it("previews through evaluateTick like any sensor", async () => {
    const { a, b, c } = graph();
    const defs = new Definitions({ assets: [a, b, c] });
    const instance = Instance.ephemeral({ clock: new ManualClock(START) });
    const s = new AutomationConditionSensorDefinition({ name: "auto", target: "*" });
    const tick = await s.evaluateTick({ definitions: defs, instance });
    expect(tick.runRequests).toEqual([]);
    expect(tick.skipMessage).toMatch(/No asset/);
    expect(JSON.parse(tick.cursor as string).evaluationId).toBe(1);
  });
});

describe("automationConditionSensorsOf", () => {
  it("adds default_automation_condition_sensor, stopped until turned on, over assets with conditions that no sensor targets", () => {
    const { a, b, c } = graph();
    const raw = new AutomationConditionSensorDefinition({ name: "raw_auto", target: AssetSelection.groups("raw") });
    const defs = new Definitions({ assets: [a, b, c], sensors: [raw] });
    const sensors = automationConditionSensorsOf(defs);
    expect(sensors.map((s) => s.name)).toEqual(["raw_auto", DEFAULT_AUTOMATION_CONDITION_SENSOR_NAME]);
    const fallback = sensors[1] as AutomationConditionSensorDefinition;
    expect(fallback.defaultStatus).toBe(DefaultSensorStatus.STOPPED);
    expect(Object.keys(fallback.conditionsIn(defs))).toEqual(["C"]);
  });

  it("adds none when every asset with a condition is covered, or none has one", () => {
    const { a, b, c } = graph();
    const all = new AutomationConditionSensorDefinition({ name: "all", target: AssetSelection.all() });
    expect(automationConditionSensorsOf(new Definitions({ assets: [a, b, c], sensors: [all] })).map((s) => s.name)).toEqual(["all"]);
    expect(automationConditionSensorsOf(new Definitions({ assets: [a] }))).toEqual([]);
  });

  it("ignores plain sensors", () => {
    const { a, b, c } = graph();
    const plain = sensor({ name: "plain", target: [a] }, () => null);
    expect(automationConditionSensorsOf(new Definitions({ assets: [a, b, c], sensors: [plain] })).map((s) => s.name)).toEqual([DEFAULT_AUTOMATION_CONDITION_SENSOR_NAME]);
  });
});
