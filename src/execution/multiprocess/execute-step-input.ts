// One step of a run executed from its StepProcessInput: what a step process (step-process.ts) and a queue worker's
// step job run once the code location is loaded and the instance open.
import { serializeError } from "../../core/index.js";
import type { DefinitionsData } from "../../definitions/index.js";
import { AssetGraph } from "../../graph/index.js";
import { Instance } from "../../instance/index.js";
import { DynamicPartitionsSnapshot, type PartitionsDefinition } from "../../partitions/index.js";
import { ExecutionPlan, assetNodesOf, parseRunConfig } from "../../plan/index.js";
import { RunEventWriter } from "../event-writer.js";
import { upstreamDataVersions } from "../upstream-data-versions.js";
import { prepareResources, setUpResources } from "../resources.js";
import type { RunState } from "../run-state.js";
import { makeLogger } from "../step-logger.js";
import { runStep } from "../step/run-step.js";
import { assertFenceHolds } from "../workers/run-holder.js";
import type { WriteFence } from "../../storage/index.js";
import type { StepProcessInput, StepProcessReport } from "./spawn-step.js";

/** What running a step needs of a StepProcessInput once the code location is loaded and the instance open. */
export type StepTarget = Omit<StepProcessInput, "module" | "storage" | "home">;

/** Who the step writes for, when not the run holder's lease the input names. */
export interface StepWriteFencing {
  /** The fencing token each event batch of the step carries. */
  readonly fence: () => WriteFence;
  /** Rejects when the step may no longer hand a value to an IO manager. */
  readonly assertHolder: () => Promise<void>;
}

/** The fencing of a step run for the holder `input.fence` names: its lease, judged by the holder's clock, and the run still open. */
export function holderFencing(input: StepTarget, instance: Instance): StepWriteFencing | undefined {
  const token = input.fence;
  if (!token) return undefined;
  // The offset was taken against the real clock where the holder runs: applied to this process's real clock, whatever
  // clock the instance here was given.
  const fence = (): WriteFence => ({ lease: token.lease, holder: token.holder, now: Date.now() + token.clockOffsetMs });
  return { fence, assertHolder: () => assertFenceHolds(instance, fence(), input.runId) };
}

/**
 * Runs the step `input` names with `defs` on `instance` (left open): sets up the resources the step needs, writes
 * the step's events itself, and reports what it materialized. Throws only when the step cannot be found or set up.
 * Its writes carry the run holder's lease (`input.fence`), or what `fencing` says: once lost, they are refused.
 */
export async function executeStepInput(input: StepTarget, defs: DefinitionsData, instance: Instance, fencing = holderFencing(input, instance)): Promise<StepProcessReport> {
  const graph = AssetGraph.of(defs);
  const runConfig = parseRunConfig(input.runConfig);
  const nodes = input.nodes.map((id) => graph.require(id, "the run's selection"));
  const checks = input.checks.map((id) => graph.checkIndexOf(id)).filter((c): c is number => c !== undefined);
  const plan = ExecutionPlan.build(graph, nodes, runConfig, checks);
  const step = plan.steps.find((s) => s.key === input.stepKey);
  if (!step) throw new Error(`Step "${input.stepKey}" is not in the run's plan here; the code location changed since the run started`);

  const needed = new Set<string>(step.requiredResourceKeys);
  for (const stepInput of step.inputs) {
    const upstream = graph.definitions[stepInput.node];
    needed.add(upstream ? upstream.outputForKey(stepInput.key).ioManagerKey : (graph.specs[stepInput.node]?.ioManagerKey ?? "ioManager"));
  }
  const writer = new RunEventWriter(instance);
  writer.fence = fencing?.fence;
  const logFor = (key: string) =>
    makeLogger((level, message, data) => writer.emit({ runId: input.runId, stepKey: step.key, timestamp: instance.clock.now(), eventType: "LOG_MESSAGE", level, message, data: { resource: key, ...data } }));
  const live = await setUpResources(prepareResources(needed, defs.resources, runConfig, instance), logFor);
  const partitionsDefs = [...new Set([...assetNodesOf(step), ...step.inputs.map((i) => i.node)])].map((n) => graph.specs[n]?.partitionsDef).filter((d): d is PartitionsDefinition => d !== undefined);
  const state: RunState = {
    runId: input.runId,
    instance,
    graph,
    plan,
    resources: live.values,
    writer,
    clock: instance.clock,
    runTags: input.runTags,
    runConfig: input.runConfig,
    materialized: new Uint8Array(graph.size),
    outputs: new Map(),
    random: Math.random,
    dataVersions: await upstreamDataVersions(instance, graph, plan, assetNodesOf(step)),
    partitionKeys: input.partitionKeys,
    dynamicPartitions: await DynamicPartitionsSnapshot.load(instance, partitionsDefs),
    partitionTime: instance.clock.now(),
    opRetryPolicy: undefined,
    assertHolder: fencing?.assertHolder,
  };
  const outcome = await runStep(state, step);
  await writer.flush();
  await live.teardown(() => undefined);
  const materialized = step.nodes.filter((n) => state.materialized[n] === 1);
  return {
    status: outcome.status,
    materialized: materialized.map((n) => graph.ids[n] as string),
    dataVersions: Object.fromEntries(materialized.map((n) => [graph.ids[n] as string, state.dataVersions.get(n) as string])),
    ...(outcome.status === "failure" ? { error: { name: serializeError(outcome.error).name, message: serializeError(outcome.error).message } } : {}),
  };
}
