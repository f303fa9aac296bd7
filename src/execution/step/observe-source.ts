// An observable source asset's observe function, called once: each data version it reports becomes an
// observation of its asset (or of one partition of it).
import { InvalidDefinitionError, SystemTags, type AssetKey, type MetadataMap, type Tags } from "../../core/index.js";
import { AssetCheckResult, DataVersionsByPartition, ObserveResult, type IOLogger } from "../../definitions/index.js";
import type { AssetPlanStep } from "../../plan/index.js";
import { DataVersion } from "../../versioning/index.js";
import type { RunState } from "../run-state.js";
import { describeYield, isYielding, runUserCode, type Compute } from "./run-compute.js";
import { openStepContext } from "./step-context.js";
import type { StepEmit } from "./step-events.js";

/**
 * Calls an observable source's observe function and records an observation per asset (per partition for
 * DataVersionsByPartition) carrying its data version; returns the check results it reported.
 */
export async function observeSource(run: RunState, step: AssetPlanStep, attempt: number, log: IOLogger, emit: StepEmit): Promise<AssetCheckResult[]> {
  const ctx = openStepContext(run, step, attempt, log);
  const items: unknown[] = [];
  await runUserCode(async () => {
    const returned = (step.op.compute as Compute)(ctx, Object.freeze({}));
    if (isYielding(returned)) for await (const item of returned) items.push(item);
    else {
      const value = await returned;
      if (Array.isArray(value)) items.push(...(value as unknown[]));
      else items.push(value);
    }
  });
  const definition = step.definition;
  const single = definition.specs.length === 1 ? (definition.specs[0]?.key as AssetKey) : undefined;
  const wrong = (item: unknown): InvalidDefinitionError =>
    new InvalidDefinitionError(
      `The observe function of "${definition.op.name}" returned ${describeYield(item)}; return a DataVersion, DataVersionsByPartition or ObserveResult` +
        (single ? "" : " (with assetKey) for each asset it observes") +
        ".",
    );
  const checkResults: AssetCheckResult[] = [];
  const observed = new Set<string>();
  const record = (key: AssetKey | undefined, version: string | undefined, extra: { partition?: string; metadata?: MetadataMap; tags?: Tags }): void => {
    const target = key ?? single;
    if (!target) throw new InvalidDefinitionError(`The observe function of "${definition.op.name}" observes several assets; give each ObserveResult an assetKey`);
    const node = run.graph.indexOf(target);
    if (node === undefined || !step.nodes.includes(node)) {
      throw new InvalidDefinitionError(`The observe function of "${definition.op.name}" reported "${target.toString()}", which it does not observe (${definition.keys.map(String).join(", ")})`);
    }
    const tags: Record<string, string> = { ...(extra.tags ?? {}) };
    if (version !== undefined) tags[SystemTags.DATA_VERSION] = version;
    emit({ eventType: "ASSET_OBSERVATION", assetKey: target, partition: extra.partition, metadata: extra.metadata, tags, message: `Observed asset "${target.toString()}".` });
    if (extra.partition === undefined && version !== undefined) run.dataVersions.set(node, version);
    run.materialized[node] = 1;
    observed.add(target.toString());
  };
  for (const item of items) {
    if (item instanceof DataVersion) record(undefined, item.value, {});
    else if (item instanceof DataVersionsByPartition) for (const [partition, version] of item.versions) record(undefined, version, { partition });
    else if (item instanceof ObserveResult) {
      record(item.assetKey, item.dataVersion, { metadata: item.metadata, tags: item.tags });
      checkResults.push(...item.checkResults);
    } else if (item instanceof AssetCheckResult) checkResults.push(item);
    else throw wrong(item);
  }
  if (observed.size === 0) throw wrong(items.length === 1 ? items[0] : undefined);
  return checkResults;
}
