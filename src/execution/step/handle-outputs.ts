// An asset step's outputs after its compute: type-checked, handed to their IO managers (per partition for a
// range run), stamped with data version provenance and recorded as materializations.
import { InvalidDefinitionError, OutputTypeCheckError, coerceMetadata, type MetadataMap, type RawMetadata } from "../../core/index.js";
import { runTypeCheck, type IOLogger } from "../../definitions/index.js";
import type { AssetPlanStep } from "../../plan/index.js";
import { NULL_DATA_VERSION, computeLogicalDataVersion, provenanceTags } from "../../versioning/index.js";
import type { RunState } from "../run-state.js";
import { stepPartitionKeys } from "../step-partitions.js";
import type { ProducedOutput } from "./compute-asset.js";
import { ioManager, partitionRangeFields } from "./io-manager-access.js";
import type { StepEmit } from "./step-events.js";
import type { OutputGuard } from "./output-guard.js";

export async function handleOutputs(
  run: RunState,
  step: AssetPlanStep,
  outputs: readonly ProducedOutput[],
  log: IOLogger,
  emit: StepEmit,
  guard: OutputGuard,
): Promise<void> {
  // A step over several partitions (a range run) returns its values keyed by partition; one partition, one value.
  const partitions = stepPartitionKeys(run, step);
  const range = partitionRangeFields(run.graph.specs[step.nodes[0] as number]?.partitionsDef, partitions);
  for (const output of outputs) {
    const definition = step.definition.outputForKey(output.key);
    const perPartition: [string | undefined, unknown][] =
      partitions === undefined || partitions.length === 1 ? [[partitions?.[0], output.value]] : splitByPartition(output, partitions, output.hasValue);
    // Provenance as the reference records it: without a code version, the run id stands in for one.
    const codeVersion = run.graph.specs[output.node]?.codeVersion ?? run.runId;
    const inputVersions = new Map<string, string>();
    for (const parent of run.graph.parents[output.node] as number[]) {
      inputVersions.set(run.graph.ids[parent] as string, run.dataVersions.get(parent) ?? NULL_DATA_VERSION);
    }
    const dataVersion = output.dataVersion ?? computeLogicalDataVersion(codeVersion, inputVersions);
    run.dataVersions.set(output.node, dataVersion);
    const tags: Record<string, string> = { ...output.tags, ...provenanceTags(dataVersion, codeVersion, inputVersions) };
    for (const [partition, value] of perPartition) {
      const ofPartition = partition === undefined ? undefined : output.partitionMetadata.get(partition);
      let metadata: MetadataMap = ofPartition ? { ...output.metadata, ...ofPartition } : output.metadata;
      if (output.hasValue) {
        const failure = runTypeCheck(definition.type as never, value);
        if (failure !== undefined) throw new OutputTypeCheckError(output.key.toString(), failure);
        const manager = ioManager(run, definition.ioManagerKey, `asset "${output.key.toString()}"`);
        // The last moment to find that the step is no longer the run's: past it the value is written.
        await guard.check();
        const ioMetadata = await manager.handleOutput(
          {
            assetKey: output.key,
            runId: run.runId,
            stepKey: step.key,
            name: definition.name,
            definitionMetadata: run.graph.specs[output.node]?.metadata ?? coerceMetadata(undefined),
            partitionKey: partition,
            ...range,
            log,
          },
          value,
        );
        if (ioMetadata) metadata = { ...coerceMetadata(ioMetadata as RawMetadata, "IO manager metadata"), ...metadata };
        emit({
          eventType: "HANDLED_OUTPUT",
          assetKey: output.key,
          partition,
          outputName: definition.name,
          message: `Handled output "${definition.name}" using ${definition.ioManagerKey}.`,
          metadata: ioMetadata ? coerceMetadata(ioMetadata as RawMetadata) : undefined,
        });
        run.outputs.set(partition === undefined ? output.key.toString() : `${output.key.toString()}[${partition}]`, { key: output.key, value });
      }
      emit({
        eventType: "ASSET_MATERIALIZATION",
        assetKey: output.key,
        partition,
        message: `Materialized asset "${output.key.toString()}"${partition === undefined ? "" : ` partition "${partition}"`}.`,
        metadata,
        tags,
      });
    }
    run.materialized[output.node] = 1;
  }
}

function splitByPartition(output: ProducedOutput, partitions: readonly string[], hasValue: boolean): [string, unknown][] {
  if (!hasValue) return partitions.map((p) => [p, undefined]);
  const value = output.value;
  const missing = typeof value === "object" && value !== null ? partitions.filter((p) => !(p in value)) : partitions;
  if (missing.length > 0) {
    throw new InvalidDefinitionError(
      `Asset "${output.key.toString()}" runs over ${partitions.length} partitions (${partitions[0]}...${partitions[partitions.length - 1]}) and must return its values keyed by partition key; ` +
        `missing: ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ` (+${missing.length - 5} more)` : ""}. Read ctx.partitionKeys for the keys.`,
    );
  }
  return partitions.map((p) => [p, (value as Record<string, unknown>)[p]]);
}
