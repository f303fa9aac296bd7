// A step's inputs, read through the IO manager (or input manager) of each upstream asset and type-checked.
import { OutputTypeCheckError, coerceMetadata } from "../../core/index.js";
import { runTypeCheck, type IOLogger } from "../../definitions/index.js";
import type { PlanStep } from "../../plan/index.js";
import type { RunState } from "../run-state.js";
import { inputPartitionKeys } from "../step-partitions.js";
import { ioManager, ioManagerKeyOf, partitionRangeFields } from "./io-manager-access.js";
import type { StepEmit } from "./step-events.js";

export async function loadInputs(run: RunState, step: PlanStep, log: IOLogger, emit: StepEmit): Promise<Record<string, unknown>> {
  const inputs: Record<string, unknown> = {};
  for (const input of step.inputs) {
    const definition = step.inputDefinitions.find((i) => i.name === input.name);
    const resourceKey = definition?.inputManagerKey ?? ioManagerKeyOf(run, input.node);
    const manager = ioManager(run, resourceKey, `asset "${input.key.toString()}"`);
    // A partitioned upstream gives the mapped partition's value, or the values of several partitions by key.
    const partitions = inputPartitionKeys(run, step, input.node);
    const range = partitionRangeFields(run.graph.specs[input.node]?.partitionsDef, partitions);
    const load = (partitionKey: string | undefined): unknown =>
      manager.loadInput({
        assetKey: input.key,
        name: input.name,
        runId: run.runId,
        metadata: definition?.metadata ?? coerceMetadata(undefined),
        upstreamMetadata: run.graph.specs[input.node]?.metadata ?? coerceMetadata(undefined),
        partitionKey,
        ...range,
        log,
      });
    let value: unknown;
    if (partitions === undefined) value = await load(undefined);
    // No upstream partition to read (the first partition of a self-dependent asset, or a mapping that allows
    // nonexistent upstream partitions): the input is absent, as the reference's default IO manager gives None.
    else if (partitions.length === 0) value = undefined;
    else if (partitions.length === 1) value = await load(partitions[0]);
    else if (manager.loadInputPartitions !== undefined) {
      value = await manager.loadInputPartitions({
        assetKey: input.key,
        name: input.name,
        runId: run.runId,
        metadata: definition?.metadata ?? coerceMetadata(undefined),
        upstreamMetadata: run.graph.specs[input.node]?.metadata ?? coerceMetadata(undefined),
        partitionKey: undefined,
        ...range,
        log,
      });
    } else {
      const byPartition: Record<string, unknown> = {};
      for (const partition of partitions) byPartition[partition] = await load(partition);
      value = byPartition;
    }
    const failure = runTypeCheck(definition?.type as never, value);
    if (failure !== undefined) {
      throw new OutputTypeCheckError(input.key.toString(), `input "${input.name}" of step "${step.key}": ${failure}`);
    }
    inputs[input.name] = value;
    emit({ eventType: "LOADED_INPUT", assetKey: input.key, inputName: input.name, message: `Loaded input "${input.name}" using ${resourceKey}.` });
  }
  return inputs;
}
