// The compute of a graph-backed asset's own step once its ops ran as steps of their own: it reads the values of
// the graph's outputs from the op-output store (or the inputs they pass through) and returns them as the asset's.
import { InvalidDefinitionError, type AssetKey } from "../../core/index.js";
import { opStepKey, type AssetPlanStep } from "../../plan/index.js";
import type { OutputHandle } from "../../definitions/index.js";
import { opOutputStore } from "../op-output-store.js";
import type { RunState } from "../run-state.js";
import type { Compute } from "./run-compute.js";

export function graphOutputsCompute(run: RunState, step: AssetPlanStep): Compute {
  const body = step.op.graph;
  const outputs = body?.outputs ?? {};
  const store = opOutputStore(run.instance);
  return async (_ctx, given) => {
    const inputs = given as Readonly<Record<string, unknown>>;
    const valueOf = async (handle: OutputHandle): Promise<unknown> => {
      if ("input" in handle.source) return inputs[handle.source.input];
      const producer = opStepKey(step.op.name, body?.invocations[handle.source.invocation]?.alias ?? "");
      const stored = await store.load(run.runId, producer);
      if (!stored.found) throw new InvalidDefinitionError(`Step "${step.key}" found no output of step "${producer}" in run ${run.runId}; re-execute the run whole.`);
      return stored.value;
    };
    const definition = step.definition;
    if (definition.outputs.length === 1 && !definition.returnsByOutputName) {
      const only = Object.values(outputs)[0];
      return only === undefined ? undefined : valueOf(only);
    }
    const byName: Record<string, unknown> = {};
    for (const node of step.nodes) {
      const name = definition.outputForKey(run.graph.keys[node] as AssetKey).name;
      const handle = outputs[name];
      if (handle) byName[name] = await valueOf(handle);
    }
    return byName;
  };
}
