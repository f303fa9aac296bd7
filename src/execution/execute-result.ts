// ExecuteResult: what a run did, as the reference's ExecuteInProcessResult.
import { AssetKey, MissingAssetValueError, type AssetKeyLike, type EventRecord } from "../core/index.js";
import { AssetsDefinition } from "../definitions/index.js";
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

  /**
   * The value this run produced for an asset: pass its definition to get its output type, or a key with the type as
   * a type argument. `partitionKey` may be left out when the run computed exactly one partition of the asset.
   *
   * @example
   * const total: number = result.assetValue(revenue);
   */
  assetValue<A extends AssetsDefinition<unknown>>(asset: A, options?: { partitionKey?: string }): A["__output"];
  assetValue<T = unknown>(key: AssetKeyLike, options?: { partitionKey?: string }): T;
  assetValue(keyOrAsset: AssetKeyLike | AssetsDefinition<unknown>, options: { partitionKey?: string } = {}): unknown {
    const id = (keyOrAsset instanceof AssetsDefinition ? keyOrAsset.key : AssetKey.from(keyOrAsset)).toString();
    let partitionKey = options.partitionKey;
    if (partitionKey === undefined && !this.#outputs.has(id)) {
      const partitions = [...this.#outputs.keys()].filter((k) => k.startsWith(`${id}[`)).map((k) => k.slice(id.length + 1, -1));
      if (partitions.length > 1) {
        throw new MissingAssetValueError(
          id,
          `Run ${this.runId} produced asset "${id}" for ${partitions.length} partitions (${partitions.slice(0, 5).join(", ")}${partitions.length > 5 ? ", ..." : ""}): pass { partitionKey } to say which value you want.`,
        );
      }
      partitionKey = partitions[0];
    }
    const captured = this.#outputs.get(partitionKey === undefined ? id : `${id}[${partitionKey}]`);
    if (!captured) {
      throw new MissingAssetValueError(
        id,
        `Run ${this.runId} produced no value for asset "${id}"${partitionKey ? ` partition "${partitionKey}"` : ""}: it was not selected, failed, was skipped, or returned a MaterializeResult without value.`,
      );
    }
    return captured.value;
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
