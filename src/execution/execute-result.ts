// ExecuteResult: what a run did, as the reference's ExecuteInProcessResult.
import { AssetKey, MissingAssetValueError, type AssetKeyLike, type EventRecord } from "../core/index.js";
import type { RunRecord } from "../storage/index.js";
import type { CapturedOutput } from "./run-state.js";

/**
 * What a run executed in this process returned: its run id and success, its events, and the values of the assets
 * it computed (`assetValue(key)`), as the reference's ExecuteInProcessResult.
 */
export class ExecuteResult {
  readonly runId: string;
  readonly run: RunRecord;
  readonly allEvents: readonly EventRecord[];
  readonly #outputs: ReadonlyMap<string, CapturedOutput>;
  readonly #outputsByStep: ReadonlyMap<string, ReadonlyMap<string, unknown>>;

  constructor(run: RunRecord, events: readonly EventRecord[], outputs: ReadonlyMap<string, CapturedOutput>, outputsByStep: ReadonlyMap<string, ReadonlyMap<string, unknown>>) {
    this.runId = run.runId;
    this.run = run;
    this.allEvents = events;
    this.#outputs = outputs;
    this.#outputsByStep = outputsByStep;
  }

  get success(): boolean {
    return this.run.status === "SUCCESS";
  }

  getAssetMaterializationEvents(): EventRecord[] {
    return this.allEvents.filter((e) => e.eventType === "ASSET_MATERIALIZATION");
  }

  getAssetObservationEvents(): EventRecord[] {
    return this.allEvents.filter((e) => e.eventType === "ASSET_OBSERVATION");
  }

  getAssetCheckEvaluations(): EventRecord[] {
    return this.allEvents.filter((e) => e.eventType === "ASSET_CHECK_EVALUATION");
  }

  getStepFailureEvents(): EventRecord[] {
    return this.allEvents.filter((e) => e.eventType === "STEP_FAILURE");
  }

  getStepSkippedEvents(): EventRecord[] {
    return this.allEvents.filter((e) => e.eventType === "STEP_SKIPPED");
  }

  /** Keys this run materialized, in order. */
  get materializedKeys(): AssetKey[] {
    return this.getAssetMaterializationEvents().map((e) => e.assetKey as AssetKey);
  }

  /** The value this run produced for `key`. */
  assetValue<T = unknown>(key: AssetKeyLike, options: { partitionKey?: string } = {}): T {
    const id = AssetKey.from(key).toString();
    const captured = this.#outputs.get(options.partitionKey === undefined ? id : `${id}[${options.partitionKey}]`);
    if (!captured) {
      throw new MissingAssetValueError(
        id,
        `Run ${this.runId} produced no value for asset "${id}"${options.partitionKey ? ` partition "${options.partitionKey}"` : ""}: it was not selected, failed, was skipped, or returned a MaterializeResult without value.`,
      );
    }
    return captured.value as T;
  }

  /** The value of output `outputName` of the op/step `node`. */
  outputForNode<T = unknown>(node: string, outputName = "result"): T {
    const outputs = this.#outputsByStep.get(node);
    if (!outputs || !outputs.has(outputName)) {
      throw new MissingAssetValueError(node, `Run ${this.runId} has no output "${outputName}" of node "${node}" (nodes with outputs: ${[...this.#outputsByStep.keys()].join(", ") || "none"}).`);
    }
    return outputs.get(outputName) as T;
  }
}
