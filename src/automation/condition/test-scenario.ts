// A two-asset scenario for the condition tests: A → B, history made by real runs on an ephemeral instance.
import { AssetKey, Instance, ManualClock, SystemTags, asset, materialize, type PartitionsDefinition, type TesseraEvent } from "../../index.js";
import { Definitions } from "../../code-location/index.js";
import { AutomationCondition } from "../../definitions/index.js";
import { evaluateAutomationConditions, type AutomationConditionEvaluationResult } from "./evaluator.js";

export interface Scenario {
  readonly instance: Instance;
  readonly clock: ManualClock;
  readonly defs: Definitions;
  /** Evaluates B's condition (A's too when given), continuing the cursor of the previous call. */
  evaluate(condition?: AutomationCondition, conditionOfA?: AutomationCondition): Promise<AutomationConditionEvaluationResult>;
  run(selection: string[], partitionKey?: string): Promise<unknown>;
}

export function twoAssetsInSequence(options: { start: number; partitionsDef?: PartitionsDefinition }): Scenario {
  const partitionsDef = options.partitionsDef;
  const a = asset({ name: "A", ...(partitionsDef ? { partitionsDef } : {}) }, () => 1);
  const b = asset({ name: "B", deps: [a], ...(partitionsDef ? { partitionsDef } : {}) }, () => 2);
  const defs = new Definitions({ assets: [a, b] });
  const clock = new ManualClock(options.start);
  const instance = Instance.ephemeral({ clock });
  let cursor: string | undefined;
  return {
    instance,
    clock,
    defs,
    async evaluate(condition = AutomationCondition.eager(), conditionOfA) {
      const conditions: Record<string, AutomationCondition> = conditionOfA ? { A: conditionOfA, B: condition } : { B: condition };
      const result = await evaluateAutomationConditions({ defs, instance, cursor, conditions, evaluationTime: clock.now() });
      cursor = result.cursor;
      return result;
    },
    run: (selection, partitionKey) => materialize([a, b], { instance, selection, ...(partitionKey ? { partitionKey } : {}) }),
  };
}

export const HOUR = 3_600_000;

/**
 * Events reported outside any asset run, as the reference's `report_runless_asset_event`: the run that carries them
 * selects nothing, so executed_with_root_target and in-progress conditions never see it.
 */
export const report = {
  async materialization(instance: Instance, key: string, partition?: string): Promise<void> {
    await reportEvents(instance, [{ eventType: "ASSET_MATERIALIZATION", assetKey: AssetKey.from(key), ...(partition === undefined ? {} : { partition }) }]);
  },
  async observation(instance: Instance, key: string, dataVersion: string): Promise<void> {
    await reportEvents(instance, [{ eventType: "ASSET_OBSERVATION", assetKey: AssetKey.from(key), tags: { [SystemTags.DATA_VERSION]: dataVersion } }]);
  },
  async checkEvaluation(instance: Instance, key: string, checkName: string, passed: boolean): Promise<void> {
    await reportEvents(instance, [{ eventType: "ASSET_CHECK_EVALUATION", assetKey: AssetKey.from(key), checkName, passed }]);
  },
};

async function reportEvents(instance: Instance, events: Omit<TesseraEvent, "runId" | "timestamp">[]): Promise<void> {
  const run = await instance.createRun({ jobName: "__runless__", tags: {}, assetSelection: [], runConfig: {} });
  const timestamp = instance.clock.now();
  await instance.storeEvents([...events.map((e) => ({ ...e, runId: run.runId, timestamp })), { runId: run.runId, timestamp, eventType: "RUN_SUCCESS" }]);
}

/** A run of these assets that has started and not ended, as the reference's `with_in_progress_run_for_asset`. */
export async function startRun(instance: Instance, assetSelection: string[], partitionKey?: string): Promise<string> {
  const run = await instance.createRun({ jobName: "__ASSET_JOB", tags: {}, assetSelection, runConfig: {}, ...(partitionKey === undefined ? {} : { partitionKey }) });
  const timestamp = instance.clock.now();
  // An unpartitioned asset is in progress through its latest plan, which a run writes as it is submitted.
  const planned = partitionKey === undefined ? assetSelection.map((key) => ({ runId: run.runId, timestamp, eventType: "ASSET_MATERIALIZATION_PLANNED" as const, assetKey: AssetKey.from(key) })) : [];
  await instance.storeEvents([...planned, { runId: run.runId, timestamp, eventType: "RUN_START" }]);
  return run.runId;
}

/** Ends the runs started by `startRun`, as the reference's `with_in_progress_runs_completed`. */
export async function finishRuns(instance: Instance, runIds: readonly string[]): Promise<void> {
  const timestamp = instance.clock.now();
  await instance.storeEvents(runIds.map((runId) => ({ runId, timestamp, eventType: "RUN_SUCCESS" as const })));
}

/**
 * Evaluates every condition of `defs` on `instance`, each call continuing the cursor of the call before, at
 * `evaluationTime` when given (else the instance's clock): the tick loop of the reference's scenario tests.
 */
export function ticker(defs: Definitions, instance: Instance): (evaluationTime?: number) => Promise<AutomationConditionEvaluationResult> {
  let cursor: string | undefined;
  return async (evaluationTime) => {
    const result = await evaluateAutomationConditions({ defs, instance, cursor, ...(evaluationTime === undefined ? {} : { evaluationTime }) });
    cursor = result.cursor;
    return result;
  };
}
