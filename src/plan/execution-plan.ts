// ExecutionPlan: the steps of one run — one per selected op, and one per selected check with an op of its own —
// with their dependencies and parsed config.
import type { z as Zod } from "zod";
import { ConfigValidationError, InvalidDefinitionError, requireOptional, type AssetKey } from "../core/index.js";
import { configIssues, type AssetChecksDefinition, type AssetInputDefinition, type AssetsDefinition, type OpNode } from "../definitions/index.js";
import type { AssetGraph, CheckNode } from "../graph/index.js";
import { assetNodesOf, expandGraphAssetStep, type OpPlanStep } from "./graph-op-steps.js";

/** Run config in the reference's shape. */
export interface RunConfig {
  ops?: Record<string, { config?: unknown; ops?: Record<string, { config?: unknown }> }>;
  resources?: Record<string, { config?: unknown }>;
}

// Built on first use, with zod loaded then (see OPTIONAL_PACKAGES): a run without config never loads zod.
let runConfigSchema: Zod.ZodType | undefined;
function runConfigShape(): Zod.ZodType {
  const z = requireOptional<{ z: typeof Zod }>("zod", "Run config").z;
  return (runConfigSchema ??= z
    .object({
      ops: z
        .record(
          z.string(),
          z.object({ config: z.unknown().optional(), ops: z.record(z.string(), z.object({ config: z.unknown().optional() }).strict()).optional() }).strict(),
        )
        .optional(),
      resources: z.record(z.string(), z.object({ config: z.unknown() }).strict()).optional(),
    })
    .strict());
}

export interface PlanInput {
  readonly name: string;
  readonly key: AssetKey;
  /** The upstream node in the graph. */
  readonly node: number;
  /** The step in this plan that produces it, or undefined when it is loaded from storage (as a self-dependent asset's own earlier partitions are). */
  readonly fromStep: number | undefined;
}

export interface PlanStepBase {
  readonly index: number;
  readonly key: string;
  readonly op: OpNode;
  /** Graph nodes this step materializes (none for a check step). */
  readonly nodes: readonly number[];
  /** Indices into `graph.checks` of the checks this step evaluates. */
  readonly checks: readonly number[];
  readonly inputs: readonly PlanInput[];
  /** How each input is loaded (metadata, type check, input manager), by input name. */
  readonly inputDefinitions: readonly AssetInputDefinition[];
  /** Steps that must finish first: producers of inputs and deps, and blocking checks of those. */
  readonly upstream: readonly number[];
  readonly downstream: readonly number[];
  /** The op's config, parsed by its schema. */
  readonly config: unknown;
  readonly requiredResourceKeys: ReadonlySet<string>;
}

/** A step that materializes assets (and evaluates the checks its op declares). */
export interface AssetPlanStep extends PlanStepBase {
  readonly kind: "asset";
  readonly definition: AssetsDefinition;
  /**
   * Set when the step runs only checks of its op (no asset selected): the assets those checks are about, whose
   * partitions and metadata the step works with.
   */
  readonly checkedNodes?: readonly number[];
}

/** A step that evaluates one check defined with assetCheck(). */
export interface CheckPlanStep extends PlanStepBase {
  readonly kind: "check";
  readonly definition: AssetChecksDefinition;
  readonly check: CheckNode;
}

export type PlanStep = AssetPlanStep | CheckPlanStep | OpPlanStep;

export class ExecutionPlan {
  readonly steps: readonly PlanStep[];
  readonly graph: AssetGraph;
  /** Graph nodes the run materializes, in topological order. */
  readonly nodes: readonly number[];
  /** Indices into `graph.checks` of the checks the run evaluates. */
  readonly checks: readonly number[];
  /** For each graph node, the index of the step that materializes it, or -1. */
  readonly stepOfNode: Int32Array;

  private constructor(graph: AssetGraph, steps: PlanStep[], nodes: number[], checks: number[], stepOfNode: Int32Array) {
    this.graph = graph;
    this.steps = steps;
    this.nodes = nodes;
    this.checks = checks;
    this.stepOfNode = stepOfNode;
  }

  /**
   * Plans the materialization of `selected` graph nodes and the evaluation of `checks` (indices into
   * `graph.checks`). External assets in the selection are left out (they are observed, not materialized).
   * Config is validated for every step before anything runs.
   */
  static build(graph: AssetGraph, selected: Iterable<number>, runConfig: unknown = {}, checks: Iterable<number> = []): ExecutionPlan {
    const config = parseRunConfig(runConfig);
    const isSelected = new Uint8Array(graph.size);
    for (const node of selected) isSelected[node] = 1;
    const selectedChecks = new Set(checks);

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
    // A check evaluated by a multi-asset's op, selected without any of the op's assets: the op runs with no
    // asset selected and evaluates the check (the op must be able to run in part).
    for (const checkIndex of [...selectedChecks].sort((a, b) => a - b)) {
      const definition = graph.checks[checkIndex]?.definition;
      if (!definition || definition.kind === "asset_checks_definition" || stepOfDefinition.has(definition as AssetsDefinition)) continue;
      const owner = definition as AssetsDefinition;
      if (!owner.canSubset) {
        throw new InvalidDefinitionError(
          `Check "${graph.checks[checkIndex]?.id}" is evaluated by op "${owner.op.name}", which cannot run in part, and none of its assets is selected. ` +
            "Select the op's assets too, or make the multi-asset canSubset.",
        );
      }
      stepOfDefinition.set(owner, drafts.length);
      drafts.push({ definition: owner, nodes: [] });
    }
    for (const draft of drafts) {
      if (draft.nodes.length === 0) continue;
      if (draft.nodes.length !== draft.definition.specs.length && !draft.definition.canSubset) {
        const missing = draft.definition.keys.filter((k) => !isSelected[graph.indexOf(k) as number]).map(String);
        throw new InvalidDefinitionError(
          `Assets ${missing.join(", ")} are computed together with the selected ${draft.nodes.map((n) => graph.ids[n]).join(", ")} by op "${draft.definition.op.name}", which cannot run in part. Select them too (AssetSelection's requiredMultiAssetNeighbors() adds them), or make the multi-asset canSubset.`,
        );
      }
    }

    const issues: { path: string; message: string }[] = [];
    const parseOpConfig = (op: OpNode): unknown => {
      if (op.graph) {
        // A graph-backed asset: each op of the graph has its config under the asset op's `ops`.
        const nested = config.ops?.[op.name]?.ops ?? {};
        const aliases = new Set(op.graph.invocations.map((i) => i.alias));
        for (const alias of Object.keys(nested)) {
          if (!aliases.has(alias)) issues.push({ path: `ops.${op.name}.ops.${alias}`, message: `graph "${op.name}" has no op "${alias}"; its ops: ${[...aliases].join(", ")}` });
        }
        const parsed: Record<string, unknown> = {};
        for (const invocation of op.graph.invocations) {
          const path = `ops.${op.name}.ops.${invocation.alias}.config`;
          const given = nested[invocation.alias]?.config;
          if (invocation.op.configSchema) {
            const result = parseWithDefaults(invocation.op.configSchema, given);
            if (result.success) parsed[invocation.alias] = result.data;
            else issues.push(...configIssues(result.error, path));
          } else if (given !== undefined) {
            issues.push({ path, message: `op "${invocation.alias}" takes no config` });
          }
        }
        return parsed;
      }
      const path = `ops.${op.name}.config`;
      const given = config.ops?.[op.name]?.config;
      if (op.configSchema) {
        const result = parseWithDefaults(op.configSchema, given);
        if (result.success) return result.data;
        issues.push(...configIssues(result.error, path));
      } else if (given !== undefined) {
        issues.push({ path, message: `op "${op.name}" takes no config; remove it or add a \`config\` schema to its definition` });
      }
      return undefined;
    };
    const inputsOf = (definitions: readonly AssetInputDefinition[], ownStep?: number): PlanInput[] =>
      definitions.map((input) => {
        const node = graph.indexOf(input.key) as number;
        const from = stepOfNode[node] as number;
        return { name: input.name, key: input.key, node, fromStep: from >= 0 && from !== ownStep ? from : undefined };
      });

    const assetSteps: AssetPlanStep[] = drafts.map((draft, index) => {
      const upstream = new Set<number>();
      for (const node of draft.nodes) {
        for (const parent of graph.parents[node] as number[]) {
          const from = stepOfNode[parent] as number;
          if (from >= 0 && from !== index) upstream.add(from);
        }
      }
      const checkOnlyStep = draft.nodes.length === 0;
      const ownChecks = !checkOnlyStep
        ? draft.nodes.flatMap((n) => graph.checksOf(n).filter((c) => selectedChecks.has(c) && graph.checks[c]?.definition === draft.definition))
        : [...selectedChecks].sort((a, b) => a - b).filter((c) => graph.checks[c]?.definition === draft.definition);
      // A step of checks only waits for the producers of its op's inputs and deps.
      if (checkOnlyStep) {
        for (const key of draft.definition.dependencyKeys) {
          const from = stepOfNode[graph.indexOf(key) as number] as number;
          if (from >= 0) upstream.add(from);
        }
      }
      return {
        kind: "asset",
        index,
        key: draft.definition.op.name,
        op: draft.definition.op,
        definition: draft.definition,
        nodes: draft.nodes,
        checks: ownChecks,
        ...(checkOnlyStep ? { checkedNodes: [...new Set(ownChecks.map((c) => (graph.checks[c] as CheckNode).asset))] } : {}),
        inputs: inputsOf(draft.definition.inputs, index),
        inputDefinitions: draft.definition.inputs,
        upstream: [...upstream],
        downstream: [],
        config: parseOpConfig(draft.definition.op),
        requiredResourceKeys: draft.definition.requiredResourceKeys,
      };
    });
    const steps: PlanStep[] = [...assetSteps];
    for (const step of assetSteps) steps[step.index] = expandGraphAssetStep(step, steps, step.nodes.map((n) => graph.keys[n] as AssetKey));

    // Checks with an op of their own run after the asset they check (and their additional deps).
    const stepOfCheck = new Map<number, number>();
    for (const checkIndex of [...selectedChecks].sort((a, b) => a - b)) {
      const check = graph.checks[checkIndex];
      if (!check) throw new InvalidDefinitionError(`No asset check with index ${checkIndex}`);
      const definition = check.definition;
      if (definition.kind !== "asset_checks_definition") {
        // Evaluated by its asset's op; it runs only when that asset does.
        continue;
      }
      const upstream = new Set<number>();
      for (const node of [check.asset, ...check.additionalDeps]) {
        const from = stepOfNode[node] as number;
        if (from >= 0) upstream.add(from);
      }
      const index = steps.length;
      stepOfCheck.set(checkIndex, index);
      steps.push({
        kind: "check",
        index,
        key: definition.op.name,
        op: definition.op,
        definition,
        check,
        nodes: [],
        checks: [checkIndex],
        inputs: inputsOf(definition.inputs),
        inputDefinitions: definition.inputs,
        upstream: [...upstream],
        downstream: [],
        config: parseOpConfig(definition.op),
        requiredResourceKeys: definition.requiredResourceKeys,
      });
    }

    // A blocking check holds back the assets downstream of the asset it checks.
    for (const step of steps) {
      if (step.kind === "check") continue;
      const upstream = step.upstream as number[];
      for (const node of assetNodesOf(step)) {
        for (const parent of graph.parents[node] as number[]) {
          for (const c of graph.checksOf(parent)) {
            const checkStep = stepOfCheck.get(c);
            if (checkStep !== undefined && graph.checks[c]?.spec.blocking && !upstream.includes(checkStep)) upstream.push(checkStep);
          }
        }
      }
    }
    for (const step of steps) for (const up of step.upstream) (steps[up]?.downstream as number[]).push(step.index);

    const opNames = new Set(steps.filter((s) => s.kind !== "op").map((s) => s.op.name));
    // Config for the op of an asset or check that is defined but not in this run is ignored, as the reference's
    // asset job subsets do: one run config serves every run of a backfill or a job over a subset.
    const definedOps = new Set<string>();
    for (const definition of graph.definitions) if (definition) definedOps.add(definition.op.name);
    for (const check of graph.checks) definedOps.add(check.definition.op.name);
    for (const opName of Object.keys(config.ops ?? {})) {
      if (!opNames.has(opName) && !definedOps.has(opName)) {
        issues.push({ path: `ops.${opName}`, message: `no selected asset or check has op "${opName}"; ops in this run: ${[...opNames].join(", ") || "none"}` });
      }
    }
    if (issues.length) throw new ConfigValidationError("the run", issues);
    rejectStepCycles(steps);
    const plannedChecks = steps.flatMap((s) => s.checks);
    return new ExecutionPlan(graph, steps, nodes, plannedChecks, stepOfNode);
  }
}

/**
 * Steps that wait on each other could never start. This happens when the assets of one op depend on each
 * other through another op (a → x → b with a and b from one multi-asset); the reference splits such an op
 * into several steps, Tessera runs each op once, so the run is refused before it starts.
 */
function rejectStepCycles(steps: readonly PlanStep[]): void {
  const waiting = steps.map((s) => s.upstream.length);
  const ready = steps.filter((s) => s.upstream.length === 0).map((s) => s.index);
  let done = 0;
  while (ready.length > 0) {
    const index = ready.pop() as number;
    done++;
    for (const next of steps[index]?.downstream ?? []) if (--(waiting[next] as number) === 0) ready.push(next);
  }
  if (done === steps.length) return;
  const stuck = steps.filter((s) => (waiting[s.index] as number) > 0).map((s) => `"${s.key}"`);
  throw new InvalidDefinitionError(
    `The run's steps ${stuck.join(", ")} wait on each other: an op's assets depend on each other through another op, so no order runs each op once. ` +
      "Materialize the assets of the cycle in separate runs (upstream ones first), or split the multi-asset so that each op's assets come before or after the other op.",
  );
}

export function parseRunConfig(runConfig: unknown): RunConfig {
  if (runConfig === undefined || runConfig === null || isEmptyPlainObject(runConfig)) return {};
  const parsed = runConfigShape().safeParse(runConfig);
  if (!parsed.success) {
    throw new ConfigValidationError(
      "the run (expected { ops: { <op>: { config } }, resources: { <key>: { config } } })",
      configIssues(parsed.error, ""),
    );
  }
  return parsed.data as RunConfig;
}

function isEmptyPlainObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && Object.keys(value).length === 0;
}

/** Missing config is parsed as `{}` when `undefined` fails, so schemas whose fields all have defaults need none. */
export function parseWithDefaults(schema: Zod.ZodType, given: unknown): ReturnType<Zod.ZodType["safeParse"]> {
  const result = schema.safeParse(given);
  if (result.success || given !== undefined) return result;
  const fromEmpty = schema.safeParse({});
  return fromEmpty.success ? fromEmpty : result.error.issues.length && fromEmpty.error.issues.length ? fromEmpty : result;
}
