// An asset's compute, called once: what it returned or yielded, read as the outputs it produced (one per asset
// it materialized) and the check results it reported.
import { InvalidDefinitionError, coerceMetadata, type AssetKey, type MetadataMap, type Tags } from "../../core/index.js";
import { AssetCheckResult, AssetObservation, MaterializeResult, type IOLogger } from "../../definitions/index.js";
import type { AssetPlanStep } from "../../plan/index.js";
import type { RunState } from "../run-state.js";
import { describeYield, isYielding, runUserCode, type Compute } from "./run-compute.js";
import { openStepContext } from "./step-context.js";
import type { StepEmit } from "./step-events.js";
import { graphOutputsCompute } from "./graph-outputs.js";

/** One asset's output, as the compute produced it, before its IO manager stores it. */
export interface ProducedOutput {
  node: number;
  key: AssetKey;
  value: unknown;
  hasValue: boolean;
  metadata: MetadataMap;
  /** Metadata added for single partitions (ctx.addAssetMetadata with a partitionKey), by partition key. */
  partitionMetadata: ReadonlyMap<string, MetadataMap>;
  tags: Tags;
  dataVersion: string | undefined;
}

export async function computeAsset(
  run: RunState,
  step: AssetPlanStep,
  inputs: Record<string, unknown>,
  attempt: number,
  log: IOLogger,
  emit: StepEmit,
): Promise<{ produced: ProducedOutput[]; checkResults: AssetCheckResult[] }> {
  const ctx = openStepContext(run, step, attempt, log);
  const compute = step.op.graph?.outputs ? graphOutputsCompute(run, step) : (step.op.compute as Compute);
  const results: MaterializeResult<unknown>[] = [];
  const checkResults: AssetCheckResult[] = [];
  // An item yielded wrongly is the compute's error, as one it threw: retried alike.
  const { returned, yielded } = await runUserCode(async () => {
    const value = compute(ctx, Object.freeze(inputs));
    if (!isYielding(value)) return { returned: await value, yielded: false };
    for await (const item of value) {
      if (item instanceof MaterializeResult) results.push(item);
      else if (item instanceof AssetObservation) emitObservation(item, emit);
      else if (item instanceof AssetCheckResult) checkResults.push(item);
      else {
        throw new InvalidDefinitionError(
          `Asset "${ctx.primaryAssetKey.toString()}" yielded ${describeYield(item)}; an asset may yield MaterializeResult, AssetObservation or AssetCheckResult. Return a plain value instead of yielding it.`,
        );
      }
    }
    return { returned: value as unknown, yielded: true };
  });

  const produced: ProducedOutput[] = [];
  const nodesByKey = new Map(step.nodes.map((n) => [run.graph.ids[n] as string, n]));
  const toOutput = (node: number, value: unknown, hasValue: boolean, result?: MaterializeResult<unknown>): ProducedOutput => {
    const key = run.graph.keys[node] as AssetKey;
    const outputName = step.definition.outputForKey(key).name;
    return {
      node,
      key,
      value,
      hasValue,
      metadata: coerceMetadata({ ...ctx.outputMetadata.get(outputName), ...ctx.assetMetadata.get(key.toString()), ...result?.metadata }),
      partitionMetadata: new Map([...(ctx.partitionMetadata.get(key.toString()) ?? [])].map(([partition, raw]) => [partition, coerceMetadata(raw)])),
      tags: result?.tags ?? {},
      dataVersion: result?.dataVersion,
    };
  };
  const definition = step.definition;
  const singleOutput = definition.outputs.length === 1 && !definition.returnsByOutputName ? (step.nodes[0] as number) : undefined;
  const nodeOfOutput = (key: AssetKey, what: string): number => {
    const node = nodesByKey.get(key.toString());
    if (node !== undefined) return node;
    const ownKeys = definition.keys.map(String);
    throw new InvalidDefinitionError(
      ownKeys.includes(key.toString())
        ? `Step "${step.key}" ${what} asset "${key.toString()}", which this run did not select (selected: ${[...nodesByKey.keys()].join(", ")}). Materialize only ctx.selectedAssetKeys.`
        : `Step "${step.key}" ${what} "${key.toString()}", which it does not compute (its assets: ${ownKeys.join(", ")})`,
    );
  };
  if (!yielded) {
    if (returned instanceof MaterializeResult) results.push(returned);
    else if (Array.isArray(returned) && returned.length > 0 && returned.every((r) => r instanceof MaterializeResult)) results.push(...returned);
    else if (returned === undefined && singleOutput === undefined && definition.outputs.every((o) => o.fromSpec)) {
      for (const node of step.nodes) produced.push(toOutput(node, undefined, false));
    } else if (singleOutput !== undefined) {
      const output = definition.outputForKey(run.graph.keys[singleOutput] as AssetKey);
      if (returned !== undefined || output.required) produced.push(toOutput(singleOutput, returned, true));
    } else if (returned !== undefined) {
      if (typeof returned !== "object" || returned === null || Array.isArray(returned)) {
        throw new InvalidDefinitionError(
          `Multi-asset "${definition.op.name}" returned ${describeYield(returned)}; return an object keyed by output name (${definition.outputs.map((o) => o.name).join(", ")}) or MaterializeResults with assetKey`,
        );
      }
      const unknown = Object.keys(returned).filter((name) => !definition.outputNamed(name));
      if (unknown.length > 0) {
        throw new InvalidDefinitionError(
          `Multi-asset "${definition.op.name}" returned output${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `"${n}"`).join(", ")}, which ${unknown.length > 1 ? "are" : "is"} not among its outs (${definition.outputs.map((o) => o.name).join(", ")})`,
        );
      }
      for (const [name, value] of Object.entries(returned as Record<string, unknown>)) {
        const output = definition.outputNamed(name) as { key: AssetKey; required: boolean };
        if (value === undefined && !output.required) continue;
        produced.push(toOutput(nodeOfOutput(output.key, "returned a value for"), value, true));
      }
    }
  }
  for (const result of results) {
    if (!result.assetKey && definition.outputs.length > 1) {
      throw new InvalidDefinitionError(`Step "${step.key}" computes several assets; each MaterializeResult needs an assetKey`);
    }
    const node = result.assetKey ? nodeOfOutput(result.assetKey, "returned a MaterializeResult for") : (step.nodes[0] as number);
    if (produced.some((p) => p.node === node)) {
      throw new InvalidDefinitionError(`Step "${step.key}" produced asset "${run.graph.ids[node]}" twice; materialize each asset once per run`);
    }
    produced.push(toOutput(node, result.value, result.hasValue, result));
    checkResults.push(...result.checkResults);
  }
  for (const node of step.nodes) {
    const key = run.graph.keys[node] as AssetKey;
    if (step.definition.outputForKey(key).required && !produced.some((p) => p.node === node)) {
      throw new InvalidDefinitionError(
        `Asset "${key.toString()}" finished without materializing: its compute ${yielded ? "yielded no MaterializeResult for it" : "returned nothing for it"}. ` +
          `Set outputRequired: false if it may legitimately skip.`,
      );
    }
  }
  return { produced, checkResults };
}

function emitObservation(observation: AssetObservation, emit: StepEmit): void {
  emit({
    eventType: "ASSET_OBSERVATION",
    assetKey: observation.assetKey,
    partition: observation.partition,
    metadata: observation.metadata,
    tags: observation.tags,
    message: observation.description,
  });
}
