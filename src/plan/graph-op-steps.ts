// The steps of a graph-backed asset: each op of its graph is a step of its own (`<asset op>.<op alias>`, as the
// reference names them), with its own retries, events and pool; the asset's step then stores the graph's outputs.
import type { AssetsDefinition, OpNode, OutputHandle } from "../definitions/index.js";
import type { AssetKey } from "../core/index.js";
import type { AssetPlanStep, PlanInput, PlanStep, PlanStepBase } from "./execution-plan.js";

/** One op invocation inside a graph-backed asset. */
export interface OpPlanStep extends PlanStepBase {
  readonly kind: "op";
  /** The graph-backed asset the op belongs to. */
  readonly definition: AssetsDefinition;
  /** Index into the asset's `op.graph.invocations`. */
  readonly invocation: number;
  /** The asset step's nodes: the op works on their partitions. */
  readonly assetNodes: readonly number[];
}

/** The step key of an op of a graph-backed asset. */
export function opStepKey(assetOpName: string, alias: string): string {
  return `${assetOpName}.${alias}`;
}

/** The graph nodes whose partitions and metadata a step works with. */
export function assetNodesOf(step: PlanStep): readonly number[] {
  if (step.kind === "check") return [step.check.asset];
  if (step.kind === "op") return step.assetNodes;
  return step.nodes.length === 0 && step.checkedNodes ? step.checkedNodes : step.nodes;
}

/**
 * Splits the step of a graph-backed asset: appends one step per op invocation to `steps`, and returns the asset
 * step narrowed to what it still does (load the inputs its outputs pass through, wait for every op, store outputs).
 */
export function expandGraphAssetStep(step: AssetPlanStep, steps: PlanStep[], selectedKeys: readonly AssetKey[]): AssetPlanStep {
  const body = step.op.graph;
  if (!body?.outputs || step.definition.executionType === "observe") return step;
  const configByAlias = (step.config ?? {}) as Record<string, unknown>;
  const inputByName = new Map<string, PlanInput>(step.inputs.map((i) => [i.name, i]));
  const selectedOutputs = selectedOutputHandles(step, body.outputs, selectedKeys);
  const needed = neededInvocations(body.invocations, selectedOutputs);
  const stepOfInvocation: (number | undefined)[] = [];
  body.invocations.forEach((invocation, i) => {
    if (!needed.has(i)) return;
    const inputs: PlanInput[] = [];
    const upstream = new Set(step.upstream);
    for (const handle of Object.values(invocation.inputs)) {
      if ("input" in handle.source) {
        const input = inputByName.get(handle.source.input);
        if (input && !inputs.includes(input)) inputs.push(input);
      } else {
        upstream.add(stepOfInvocation[handle.source.invocation] as number);
      }
    }
    const op: OpNode = {
      name: invocation.alias,
      compute: invocation.op.compute,
      configSchema: invocation.op.configSchema,
      requiredResourceKeys: invocation.op.requiredResourceKeys,
      resourceClasses: invocation.op.resourceClasses,
      // An op without a policy of its own retries as the asset says.
      retryPolicy: invocation.op.retryPolicy ?? step.op.retryPolicy,
      tags: invocation.op.tags,
      description: invocation.op.description,
    };
    const index = steps.length;
    stepOfInvocation[i] = index;
    steps.push({
      kind: "op",
      index,
      key: opStepKey(step.op.name, invocation.alias),
      op,
      definition: step.definition,
      invocation: i,
      assetNodes: step.nodes,
      nodes: [],
      checks: [],
      inputs,
      inputDefinitions: step.inputDefinitions.filter((d) => inputs.some((i) => i.name === d.name)),
      upstream: [...upstream],
      downstream: [],
      config: configByAlias[invocation.alias],
      requiredResourceKeys: new Set(invocation.op.requiredResourceKeys),
    });
  });
  // A graph whose output is one of its inputs passes that input through: the asset step loads only those.
  const passedThrough = new Set(selectedOutputs.flatMap((h) => ("input" in h.source ? [h.source.input] : [])));
  return {
    ...step,
    inputs: step.inputs.filter((i) => passedThrough.has(i.name)),
    inputDefinitions: step.inputDefinitions.filter((d) => passedThrough.has(d.name)),
    upstream: [...new Set([...step.upstream, ...stepOfInvocation.filter((x): x is number => x !== undefined)])],
  };
}

// A subsettable graph-backed asset runs only the ops its selected outputs need (as the reference's subset of a
// graph); one that cannot be subset, or a step of checks only, runs them all.
function selectedOutputHandles(step: AssetPlanStep, outputs: Readonly<Record<string, OutputHandle>>, selectedKeys: readonly AssetKey[]): OutputHandle[] {
  const all = Object.values(outputs);
  if (!step.definition.canSubset || selectedKeys.length === 0 || selectedKeys.length >= step.definition.keys.length) return all;
  return selectedKeys.map((key) => outputs[step.definition.outputForKey(key).name]).filter((h): h is OutputHandle => h !== undefined);
}

function neededInvocations(invocations: NonNullable<OpNode["graph"]>["invocations"], handles: readonly OutputHandle[]): Set<number> {
  const needed = new Set<number>();
  const pending = handles.flatMap((h) => ("invocation" in h.source ? [h.source.invocation] : []));
  while (pending.length > 0) {
    const i = pending.pop() as number;
    if (needed.has(i)) continue;
    needed.add(i);
    for (const h of Object.values((invocations[i] as (typeof invocations)[number]).inputs)) if ("invocation" in h.source) pending.push(h.source.invocation);
  }
  return needed;
}
