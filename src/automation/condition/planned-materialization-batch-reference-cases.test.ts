// Cases of Dagster's declarative_automation_tests/.../builtins/test_planned_materialization_batch.py, ported to
// Tessera's API. As the reference, each "planned" run here writes its ASSET_MATERIALIZATION_PLANNED events by hand.
// The reference also counts its storage's batched reads (mocks of one storage method); those counts have no
// equivalent, the requests each case expects do.
import { describe, expect, it } from "vitest";
import { AssetKey, Instance, ManualClock, StaticPartitionsDefinition, asset, type RunStatus } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { ticker } from "./test-scenario.js";

function defsOf(condition: AutomationCondition, count = 1): Definitions {
  return new Definitions({ assets: Array.from({ length: count }, (_, i) => asset({ name: `asset_${i}`, automationCondition: condition }, () => 1)) });
}

const keysOf = (count: number) => Array.from({ length: count }, (_, i) => `asset_${i}`);

const END_EVENT = { SUCCESS: "RUN_SUCCESS", FAILURE: "RUN_FAILURE", CANCELED: "RUN_CANCELED" } as const;

/**
 * A run that planned `keys` (and materialized them when `materialized`) and reached `status`; STARTED and the ended
 * states get there by their events (a finished run takes no more events, so the materializations come first).
 */
async function plannedRun(instance: Instance, keys: readonly string[], status: RunStatus, materialized = false): Promise<string> {
  const viaEvents = status === "STARTED" || status in END_EVENT;
  const run = await instance.createRun({ jobName: "job", tags: {}, assetSelection: [...keys], runConfig: {}, ...(viaEvents ? {} : { status }) });
  await instance.storeEvents(keys.map((key) => ({ runId: run.runId, timestamp: instance.clock.now(), eventType: "ASSET_MATERIALIZATION_PLANNED" as const, assetKey: AssetKey.from(key) })));
  if (viaEvents) await instance.storeEvents([{ runId: run.runId, timestamp: instance.clock.now(), eventType: "RUN_START" }]);
  if (materialized) await materializeIn(instance, run.runId, keys);
  if (status in END_EVENT) await endRun(instance, run.runId, status as keyof typeof END_EVENT);
  return run.runId;
}

async function endRun(instance: Instance, runId: string, status: keyof typeof END_EVENT): Promise<void> {
  await instance.storeEvents([{ runId, timestamp: instance.clock.now(), eventType: END_EVENT[status] }]);
}

async function materializeIn(instance: Instance, runId: string, keys: readonly string[]): Promise<void> {
  await instance.storeEvents(keys.map((key) => ({ runId, timestamp: instance.clock.now(), eventType: "ASSET_MATERIALIZATION" as const, assetKey: AssetKey.from(key) })));
}

const newInstance = () => Instance.ephemeral({ clock: new ManualClock(Date.UTC(2024, 0, 1)) });

describe("reference cases: test_planned_materialization_batch.py", () => {
  for (const count of [1, 8]) {
    it(`test_missing_and_in_progress_share_prefetched_snapshot[${count}] (the materializations land after the evaluation, not inside its read)`, async () => {
      const defs = defsOf(AutomationCondition.missing().and(AutomationCondition.inProgress().not()), count);
      const instance = newInstance();
      const tick = ticker(defs, instance);
      const runId = await plannedRun(instance, keysOf(count), "STARTED");
      expect((await tick()).totalRequested).toBe(0);
      await materializeIn(instance, runId, keysOf(count));
      expect((await tick()).totalRequested).toBe(0);
    });
  }

  for (const count of [1, 8, 64]) {
    for (const conditionName of ["execution_failed", "in_progress", "both"] as const) {
      it(`test_planned_reads_batch_across_conditions[${conditionName}-${count}]`, async () => {
        const failed = AutomationCondition.executionFailed();
        const progress = AutomationCondition.inProgress();
        const condition = conditionName === "both" ? failed.or(progress) : conditionName === "execution_failed" ? failed : progress;
        const defs = defsOf(condition, count);
        const instance = newInstance();
        const tick = ticker(defs, instance);
        await plannedRun(instance, keysOf(count), conditionName === "execution_failed" ? "FAILURE" : "STARTED");
        expect((await tick()).totalRequested).toBe(count);
        // Only the latest plan counts: a later run that planned the assets and ended without materializing them
        // clears both conditions.
        await plannedRun(instance, keysOf(count), "SUCCESS");
        expect((await tick()).totalRequested).toBe(0);
      });
    }
  }

  // Deliberate difference: NOT_STARTED is in progress in Tessera, where every run is created NOT_STARTED on its way
  // to the queue or a launcher (the reference's NOT_STARTED run is one that was never submitted).
  const IN_PROGRESS: readonly RunStatus[] = ["QUEUED", "NOT_STARTED", "STARTING", "STARTED", "CANCELING"];
  for (const status of ["QUEUED", "NOT_STARTED", "STARTING", "STARTED", "SUCCESS", "FAILURE", "CANCELING", "CANCELED"] as const) {
    for (const materialized of [false, true]) {
      it(`test_in_progress_matches_sync_queryer[${materialized}-${status}]`, async () => {
        const defs = defsOf(AutomationCondition.inProgress());
        const instance = newInstance();
        await plannedRun(instance, ["asset_0"], status, materialized);
        const expected = !materialized && IN_PROGRESS.includes(status);
        expect((await ticker(defs, instance)()).totalRequested).toBe(expected ? 1 : 0);
      });
    }
  }

  it("test_failed_finds_earlier_materialization_in_same_run", async () => {
    const defs = defsOf(AutomationCondition.executionFailed());
    const instance = newInstance();
    await plannedRun(instance, ["asset_0"], "FAILURE", true);
    // Materializations under run ids the instance has no run for, as the reference's.
    for (let i = 0; i < 3; i++) await materializeIn(instance, `other_${i}`, ["asset_0"]);
    expect((await ticker(defs, instance)()).totalRequested).toBe(0);
  });

  it("test_in_progress_only_considers_latest_planned_run", async () => {
    const defs = defsOf(AutomationCondition.inProgress());
    const instance = newInstance();
    for (const status of ["STARTED", "SUCCESS"] as const) await plannedRun(instance, ["asset_0"], status);
    // The latest plan's run has ended: the earlier STARTED run no longer counts.
    expect((await ticker(defs, instance)()).totalRequested).toBe(0);
  });

  for (const name of ["execution_failed", "in_progress"] as const) {
    it(`test_missing_planned_run[${name}] (a materialization from a run the instance does not know)`, async () => {
      const defs = defsOf(name === "in_progress" ? AutomationCondition.inProgress() : AutomationCondition.executionFailed());
      const instance = newInstance();
      expect((await ticker(defs, instance)()).totalRequested).toBe(0);
      await materializeIn(instance, "missing", ["asset_0"]);
      expect((await ticker(defs, instance)()).totalRequested).toBe(0);
    });
  }

  it("test_planned_reads_dispatch_per_topological_level (the requests; the reads per level have no equivalent)", async () => {
    const condition = AutomationCondition.executionFailed().or(AutomationCondition.inProgress());
    const a0 = asset({ name: "asset_0", automationCondition: condition }, () => 1);
    const a1 = asset({ name: "asset_1", deps: [a0], automationCondition: condition }, () => 1);
    const a2 = asset({ name: "asset_2", deps: [a1], automationCondition: condition }, () => 1);
    const instance = newInstance();
    await plannedRun(instance, keysOf(3), "STARTED");
    expect((await ticker(new Definitions({ assets: [a0, a1, a2] }), instance)()).totalRequested).toBe(3);
  });

  for (const partitioned of [false, true]) {
    it(`test_partitioned_and_backfill_paths_do_not_load_plans[${partitioned}] (the requests)`, async () => {
      const condition = partitioned ? AutomationCondition.executionFailed().or(AutomationCondition.inProgress()) : AutomationCondition.backfillInProgress();
      const a = asset({ name: "asset", automationCondition: condition, ...(partitioned ? { partitionsDef: new StaticPartitionsDefinition(["a", "b"]) } : {}) }, () => 1);
      expect((await ticker(new Definitions({ assets: [a] }), newInstance())()).totalRequested).toBe(0);
    });
  }

  for (const name of ["execution_failed", "in_progress"] as const) {
    it(`test_next_tick_observes_updated_run_status[${name}]`, async () => {
      const defs = defsOf(name === "in_progress" ? AutomationCondition.inProgress() : AutomationCondition.executionFailed());
      const instance = newInstance();
      const tick = ticker(defs, instance);
      const runId = await plannedRun(instance, ["asset_0"], "STARTED");
      expect((await tick()).totalRequested).toBe(name === "in_progress" ? 1 : 0);
      await endRun(instance, runId, "FAILURE");
      expect((await tick()).totalRequested).toBe(name === "execution_failed" ? 1 : 0);
      await instance.deleteRun(runId);
      expect((await tick()).totalRequested).toBe(0);
    });
  }
});
