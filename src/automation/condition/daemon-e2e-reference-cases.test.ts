// Cases of Dagster's declarative_automation_tests/daemon_tests/test_e2e.py, ported to Tessera's API: the daemon ticks
// the automation condition sensors of one code location, with time moved by hand; each case looks at what the latest
// tick of each sensor launched, as the reference's `_get_runs_for_latest_ticks` / `_get_backfills_for_latest_ticks`.
import { afterEach, describe, expect, it } from "vitest";
import {
  AssetCheckResult,
  AssetCheckSpec,
  AutomationCondition,
  AutomationConditionSensorDefinition,
  DataVersion,
  DynamicPartitionsDefinition,
  Instance,
  ManualClock,
  MaterializeResult,
  StaticPartitionsDefinition,
  asset,
  assetCheck,
  observableSourceAsset,
  type AssetCheckKeyLike,
} from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationTags } from "../../definitions/index.js";
import type { BackfillRecord, RunRecord } from "../../storage/index.js";
import { Daemon, setInstigatorStatus } from "../daemon/index.js";
import { report } from "./test-scenario.js";

const CHECK_SELECTION_TAG = "tessera/asset_check_selection";
const open: Daemon[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

/**
 * One code location under a daemon, every automation sensor started (the reference's `_setup_instance`). `tick()`
 * runs one iteration at the clock's time and waits for the runs it launched, as the reference's synchronous run
 * launcher does; `latest()` reads what the newest tick of each automation sensor launched.
 */
async function location(defs: Definitions, start: number) {
  const clock = new ManualClock(start);
  const instance = Instance.ephemeral({ clock });
  const daemon = new Daemon({ instance, defs, clock, holder: "e2e", leaseTtlMs: 3_600_000 * 24, intervalMs: 5_000 });
  open.push(daemon);
  for (const s of daemon.automationSensors) await setInstigatorStatus(instance, defs, "sensor", s.name, "RUNNING");
  const latestTicks = async () => {
    const ticks = [];
    for (const s of daemon.automationSensors) {
      const [tick] = await instance.storage.getTicks(s.name);
      if (tick) ticks.push(tick);
    }
    return ticks;
  };
  return {
    instance,
    clock,
    daemon,
    async tick(): Promise<void> {
      await daemon.runIteration();
      await daemon.waitForRuns();
    },
    /** The evaluation id of each automation sensor's newest tick. */
    async evaluationIds(): Promise<number[]> {
      return (await latestTicks()).map((t) => t.evaluationId ?? 0);
    },
    /** Runs of the newest ticks, sorted by their assets then their checks, as the reference sorts them. */
    async runs(): Promise<RunRecord[]> {
      const runs: RunRecord[] = [];
      for (const t of await latestTicks()) for (const id of t.runIds) runs.push((await instance.getRunById(id)) as RunRecord);
      const sortKey = (r: RunRecord) => `${[...r.assetSelection].sort().join(",")}|${checksOf(r).join(",")}`;
      return runs.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    },
    /** Backfills launched by the newest ticks (matched by the run key the tick recorded). */
    async backfills(): Promise<BackfillRecord[]> {
      const keys = new Set((await latestTicks()).flatMap((t) => t.runKeys));
      return (await instance.getBackfills()).filter((b) => keys.has(b.tags[AutomationTags.RUN_KEY] ?? ""));
    },
  };
}

/** The checks a run executes, as `asset:name` sorted. */
function checksOf(run: RunRecord): string[] {
  const tag = run.tags[CHECK_SELECTION_TAG];
  return tag ? tag.split(",").sort() : [];
}

const check = (key: AssetCheckKeyLike & { assetKey: string; name: string }) => `${key.assetKey}:${key.name}`;

/** raw_files → processed_files (eager), as the reference's check definitions files share. */
function rawAndProcessed() {
  const raw = asset({ name: "raw_files" }, () => 1);
  const processed = asset({ name: "processed_files", deps: [raw], automationCondition: AutomationCondition.eager() }, () => 2);
  return { raw, processed };
}
const anyDepNewlyUpdated = () => AutomationCondition.anyDepsMatch(AutomationCondition.newlyUpdated().or(AutomationCondition.willBeRequested()));
const passing = () => new AssetCheckResult({ passed: true });

describe("reference cases: daemon_tests/test_e2e.py", () => {
  it("test_checks_and_assets_in_same_run (check_after_parent_updated)", async () => {
    const { raw, processed } = rawAndProcessed();
    const rowCount = assetCheck({ asset: processed, name: "row_count", automationCondition: anyDepNewlyUpdated() }, passing);
    const loc = await location(new Definitions({ assets: [raw, processed], assetChecks: [rowCount] }), Date.UTC(2024, 7, 16, 1, 35));
    await loc.tick();
    // nothing yet: the parent has not updated
    expect(await loc.evaluationIds()).toEqual([1]);
    expect(await loc.runs()).toEqual([]);

    loc.clock.advance(30_000);
    await report.materialization(loc.instance, "processed_files");
    await loc.tick();
    // only the check is requested
    expect(await loc.evaluationIds()).toEqual([2]);
    let runs = await loc.runs();
    expect(runs.map((r) => [r.assetSelection, checksOf(r)])).toEqual([[[], [check({ assetKey: "processed_files", name: "row_count" })]]]);

    loc.clock.advance(30_000);
    await report.materialization(loc.instance, "raw_files");
    await loc.tick();
    // one run of the asset and its check
    expect(await loc.evaluationIds()).toEqual([3]);
    runs = await loc.runs();
    expect(runs.map((r) => [r.assetSelection, checksOf(r)])).toEqual([[["processed_files"], ["processed_files:row_count"]]]);
  });
});
