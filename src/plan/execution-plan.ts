// ExecutionPlan: the steps of one run — one per selected op — with their dependencies and parsed config.
import { z } from "zod";
import { ConfigValidationError, InvalidDefinitionError, type AssetKey } from "../core/index.js";
import { configIssues, type AssetsDefinition } from "../definitions/index.js";
import type { AssetGraph } from "../graph/index.js";

/** Run config in the reference's shape. */
export interface RunConfig {
  ops?: Record<string, { config?: unknown }>;
  resources?: Record<string, { config?: unknown }>;
}

const runConfigSchema = z
  .object({
    ops: z.record(z.string(), z.object({ config: z.unknown() }).strict()).optional(),
    resources: z.record(z.string(), z.object({ config: z.unknown() }).strict()).optional(),
  })
  .strict();

export interface PlanInput {
  readonly name: string;
  readonly key: AssetKey;
  /** The upstream node in the graph. */
  readonly node: number;
  /** The step in this plan that produces it, or undefined when it is loaded from storage. */
  readonly fromStep: number | undefined;
}

export interface PlanStep {
  readonly index: number;
  readonly key: string;
  readonly definition: AssetsDefinition;
  /** Graph nodes this step materializes. */
  readonly nodes: readonly number[];
  readonly inputs: readonly PlanInput[];
  /** Steps that must finish first: producers of inputs and of non-argument deps. */
  readonly upstream: readonly number[];
  readonly downstream: readonly number[];
  /** The op's config, parsed by its schema. */
  readonly config: unknown;
}

export class ExecutionPlan {
  readonly steps: readonly PlanStep[];
  readonly graph: AssetGraph;
  /** Graph nodes the run materializes, in topological order. */
  readonly nodes: readonly number[];
  /** For each graph node, the index of the step that materializes it, or -1. */
  readonly stepOfNode: Int32Array;

  private constructor(graph: AssetGraph, steps: PlanStep[], nodes: number[], stepOfNode: Int32Array) {
    this.graph = graph;
    this.steps = steps;
    this.nodes = nodes;
    this.stepOfNode = stepOfNode;
  }

  /**
   * Plans the materialization of `selected` graph nodes. External assets in the selection are left out
   * (they are observed, not materialized). Config is validated for every step before anything runs.
   */
  static build(graph: AssetGraph, selected: Iterable<number>, runConfig: unknown = {}): ExecutionPlan {
    const config = parseRunConfig(runConfig);
    const isSelected = new Uint8Array(graph.size);
    for (const node of selected) isSelected[node] = 1;

    const stepOfDefinition = new Map<AssetsDefinition, number>();
    const stepOfNode = new Int32Array(graph.size).fill(-1);
    const drafts: { definition: AssetsDefinition; nodes: number[] }[] = [];
    const nodes: number[] = [];
    for (const node of graph.topologicalOrder) {
      if (!isSelected[node]) continue;
      const definition = graph.definitions[node];
      if (!definition) continue;
      let step = stepOfDefinition.get(definition);
      if (step === undefined) {
        step = drafts.length;
        stepOfDefinition.set(definition, step);
        drafts.push({ definition, nodes: [] });
      }
      drafts[step]?.nodes.push(node);
      stepOfNode[node] = step;
      nodes.push(node);
    }
    for (const draft of drafts) {
      if (draft.nodes.length !== draft.definition.specs.length && !draft.definition.canSubset) {
        const missing = draft.definition.keys.filter((k) => !isSelected[graph.indexOf(k) as number]).map(String);
        throw new InvalidDefinitionError(
          `Assets ${missing.join(", ")} are computed together with the selected ${draft.nodes.map((n) => graph.ids[n]).join(", ")} by op "${draft.definition.op.name}", which cannot run in part. Select them too.`,
        );
      }
    }

    const issues: { path: string; message: string }[] = [];
    const opNames = new Set(drafts.map((d) => d.definition.op.name));
    for (const opName of Object.keys(config.ops ?? {})) {
      if (!opNames.has(opName)) {
        issues.push({
          path: `ops.${opName}`,
          message: `no selected asset has op "${opName}"; ops in this run: ${[...opNames].join(", ") || "none"}`,
        });
      }
    }

    const downstream: number[][] = drafts.map(() => []);
    const steps: PlanStep[] = drafts.map((draft, index) => {
      const upstream = new Set<number>();
      for (const node of draft.nodes) {
        for (const parent of graph.parents[node] as number[]) {
          const from = stepOfNode[parent] as number;
          if (from >= 0 && from !== index) upstream.add(from);
        }
      }
      for (const up of upstream) downstream[up]?.push(index);
      const inputs: PlanInput[] = draft.definition.inputs.map((input) => {
        const node = graph.indexOf(input.key) as number;
        const from = stepOfNode[node] as number;
        return { name: input.name, key: input.key, node, fromStep: from >= 0 ? from : undefined };
      });
      const op = draft.definition.op;
      const path = `ops.${op.name}.config`;
      const given = config.ops?.[op.name]?.config;
      let parsed: unknown = undefined;
      if (op.configSchema) {
        const result = parseWithDefaults(op.configSchema, given);
        if (result.success) parsed = result.data;
        else issues.push(...configIssues(result.error, path));
      } else if (given !== undefined) {
        issues.push({ path, message: `op "${op.name}" takes no config; remove it or add a \`config\` schema to the asset` });
      }
      return { index, key: op.name, definition: draft.definition, nodes: draft.nodes, inputs, upstream: [...upstream], downstream: downstream[index] as number[], config: parsed };
    });
    if (issues.length) throw new ConfigValidationError("the run", issues);
    return new ExecutionPlan(graph, steps, nodes, stepOfNode);
  }
}

export function parseRunConfig(runConfig: unknown): RunConfig {
  const parsed = runConfigSchema.safeParse(runConfig ?? {});
  if (!parsed.success) {
    throw new ConfigValidationError(
      "the run (expected { ops: { <op>: { config } }, resources: { <key>: { config } } })",
      configIssues(parsed.error, ""),
    );
  }
  return parsed.data as RunConfig;
}

/** Missing config is parsed as `{}` when `undefined` fails, so schemas whose fields all have defaults need none. */
export function parseWithDefaults(schema: z.ZodType, given: unknown): ReturnType<z.ZodType["safeParse"]> {
  const result = schema.safeParse(given);
  if (result.success || given !== undefined) return result;
  const fromEmpty = schema.safeParse({});
  return fromEmpty.success ? fromEmpty : result.error.issues.length && fromEmpty.error.issues.length ? fromEmpty : result;
}
