// The context a compute is called with (AssetExecutionContext): the run, the step's assets and partitions,
// resources and config, as seen by one attempt of the step.
import { AssetKey, InvalidDefinitionError, coerceMetadata, type AssetKeyLike, type MetadataMap, type RawMetadata, type Tags } from "../../core/index.js";
import { provenanceOf, type DataProvenance } from "../../versioning/index.js";
import type { AssetExecutionContext, IOLogger, PipesClient, SelectedAssetCheckKey } from "../../definitions/index.js";
import type { CheckNode } from "../../graph/index.js";
import type { Instance } from "../../instance/index.js";
import { assetNodesOf, type PlanStep } from "../../plan/index.js";
import type { RunState } from "../run-state.js";
import { inputPartitionKeys, stepPartitionKeys, stepTimeWindow } from "../step-partitions.js";

/**
 * The context for one attempt of `step`. Resources declared with a class are checked here, before any user
 * code runs, so that a wrong resource fails the step with a message naming it rather than deep in the compute.
 */
export function openStepContext(run: RunState, step: PlanStep, attempt: number, log: IOLogger): StepContext {
  const ctx = new StepContext(run, step, attempt, log);
  checkResourceClasses(run, step);
  return ctx;
}

export class StepContext implements AssetExecutionContext<unknown, Readonly<Record<string, unknown>>> {
  // The pipes client is loaded on first use: a run that starts no program never loads it.
  get pipes(): PipesClient {
    return {
      run: async (command, options) => {
        const { pipes } = await import("../pipes/pipes-client.js");
        return pipes(this).run(command, options);
      },
    };
  }

  readonly outputMetadata = new Map<string, Record<string, unknown>>();
  /** Metadata added with addAssetMetadata, by asset key (`a/b`): for every partition, and for one. */
  readonly assetMetadata = new Map<string, Record<string, unknown>>();
  readonly partitionMetadata = new Map<string, Map<string, Record<string, unknown>>>();
  constructor(
    readonly run: RunState,
    readonly step: PlanStep,
    readonly retryNumber: number,
    readonly log: IOLogger,
  ) {}
  get runId(): string {
    return this.run.runId;
  }
  /** The step's one asset; a step of a multi-asset has several, so asking is an error naming the way out. */
  get assetKey(): AssetKey {
    const step = this.step;
    if (step.kind !== "check" && step.definition.keys.length > 1) {
      throw new InvalidDefinitionError(
        `ctx.assetKey was read in ${step.kind === "op" ? `op "${step.key}" of ` : ""}multi-asset "${step.definition.op.name}", which has ${step.definition.keys.length} assets ` +
          `(${step.definition.keys.map(String).join(", ")}); read ctx.selectedAssetKeys (or ctx.selectedOutputNames) instead`,
      );
    }
    return this.primaryAssetKey;
  }
  /** The asset a step's own messages and defaults name: of a multi-asset, its first selected one. */
  get primaryAssetKey(): AssetKey {
    if (this.step.kind === "check") return this.step.check.spec.assetKey;
    return this.run.graph.keys[assetNodesOf(this.step)[0] as number] as AssetKey;
  }
  /** The definition whose op this step runs; a check defined with assetCheck() has none. */
  get assetsDef(): AssetExecutionContext["assetsDef"] {
    const step = this.step;
    if (step.kind === "check") {
      throw new InvalidDefinitionError(`ctx.assetsDef was read in check "${step.check.spec.name}" of asset "${step.check.spec.assetKey.toString()}", which does not have an assets definition; read ctx.assetKey instead`);
    }
    return step.definition;
  }
  get selectedAssetKeys(): readonly AssetKey[] {
    const step = this.step;
    const nodes = step.kind === "check" ? [] : step.kind === "asset" ? step.nodes : assetNodesOf(step);
    return nodes.map((n) => this.run.graph.keys[n] as AssetKey);
  }
  get selectedAssetCheckKeys(): readonly SelectedAssetCheckKey[] {
    return this.step.checks.map((c) => {
      const spec = (this.run.graph.checks[c] as CheckNode).spec;
      return Object.freeze({ assetKey: spec.assetKey, name: spec.name });
    });
  }
  get selectedOutputNames(): readonly string[] {
    const step = this.step;
    if (step.kind === "check") return [];
    return (step.kind === "asset" ? step.nodes : assetNodesOf(step)).map((n) => step.definition.outputForKey(this.run.graph.keys[n] as AssetKey).name);
  }
  get stepKey(): string {
    return this.step.key;
  }
  get opName(): string {
    return this.step.op.name;
  }
  get config(): unknown {
    return this.step.config;
  }
  get resources(): Readonly<Record<string, unknown>> {
    return this.run.resources;
  }
  get instance(): Instance {
    return this.run.instance;
  }
  get runTags(): Tags {
    return this.run.runTags;
  }
  get hasPartitionKey(): boolean {
    return stepPartitionKeys(this.run, this.step) !== undefined;
  }
  get partitionKey(): string {
    const keys = this.partitionKeys;
    if (keys.length !== 1) {
      throw new InvalidDefinitionError(
        `Step "${this.step.key}" runs over ${keys.length} partitions, so it has no single partitionKey; read ctx.partitionKeyRange or ctx.partitionKeys.`,
      );
    }
    return keys[0] as string;
  }
  get partitionKeys(): readonly string[] {
    const keys = stepPartitionKeys(this.run, this.step);
    if (keys === undefined) {
      throw new InvalidDefinitionError(`Step "${this.step.key}" is not partitioned, so it has no partitionKey; check ctx.hasPartitionKey first.`);
    }
    return keys;
  }
  get partitionKeyRange(): { start: string; end: string } {
    const keys = this.partitionKeys;
    return { start: keys[0] as string, end: keys[keys.length - 1] as string };
  }
  get partitionTimeWindow(): { start: Date; end: Date } {
    const window = stepTimeWindow(this.run, this.step);
    if (!window) throw new InvalidDefinitionError(`Step "${this.step.key}" has no time window: its asset is not partitioned by time.`);
    return window;
  }
  assetPartitionKeysForInput(inputName: string): string[] {
    const input = this.step.inputs.find((i) => i.name === inputName);
    if (input) return inputPartitionKeys(this.run, this.step, input.node) ?? [];
    // As in the reference, a dependency that is not an argument (`deps`, a spec's deps) is named by its asset key.
    const node = this.run.graph.indexOf(inputName);
    const own = this.step.kind === "check" ? [] : assetNodesOf(this.step);
    const graph = this.run.graph;
    if (node !== undefined && own.some((n) => graph.parents[n]?.includes(node) || (n === node && graph.selfDependent[n] === 1))) {
      return inputPartitionKeys(this.run, this.step, node) ?? [];
    }
    throw new InvalidDefinitionError(
      `Step "${this.step.key}" has no input or dependency "${inputName}" (inputs: ${this.step.inputs.map((i) => i.name).join(", ") || "none"}); name a dependency by its asset key, e.g. "a/b".`,
    );
  }
  async getAssetProvenance(key: AssetKeyLike): Promise<DataProvenance | undefined> {
    return provenanceOf(await this.run.instance.getLatestMaterializationEvent(key));
  }
  get definitionMetadata(): MetadataMap {
    if (this.step.kind === "check") return this.step.check.spec.metadata;
    return this.run.graph.specs[assetNodesOf(this.step)[0] as number]?.metadata ?? coerceMetadata(undefined);
  }
  addOutputMetadata(metadata: RawMetadata, outputName?: string): void {
    const step = this.#materializingStep("addOutputMetadata");
    const names = this.selectedOutputNames;
    if (outputName === undefined) {
      if (step.definition.outputs.length > 1) {
        throw new InvalidDefinitionError(
          `ctx.addOutputMetadata was called without an output name in multi-asset "${step.definition.op.name}", which has several outputs (${names.join(", ")}); pass the output name`,
        );
      }
      outputName = names[0] as string;
    } else if (!names.includes(outputName)) {
      throw new InvalidDefinitionError(`ctx.addOutputMetadata names output "${outputName}", which step "${step.key}" does not produce (its outputs: ${names.join(", ")})`);
    }
    this.outputMetadata.set(outputName, { ...this.outputMetadata.get(outputName), ...metadata });
  }
  addAssetMetadata(metadata: RawMetadata, options: { assetKey?: AssetKeyLike; partitionKey?: string } = {}): void {
    const step = this.#materializingStep("addAssetMetadata");
    const selected = this.selectedAssetKeys.map(String);
    let key: string;
    if (options.assetKey === undefined) {
      if (step.definition.keys.length > 1) {
        throw new InvalidDefinitionError(
          `ctx.addAssetMetadata was called without an asset key in multi-asset "${step.definition.op.name}" (assets: ${selected.join(", ")}); pass { assetKey }`,
        );
      }
      key = selected[0] as string;
    } else {
      key = AssetKey.from(options.assetKey).toString();
      if (!selected.includes(key)) {
        throw new InvalidDefinitionError(`ctx.addAssetMetadata names asset "${key}", which step "${step.key}" does not materialize (its assets: ${selected.join(", ")})`);
      }
    }
    const partition = options.partitionKey;
    if (partition === undefined) {
      this.assetMetadata.set(key, { ...this.assetMetadata.get(key), ...metadata });
      return;
    }
    if (!this.hasPartitionKey) {
      throw new InvalidDefinitionError(`ctx.addAssetMetadata names partition "${partition}" of asset "${key}", which is not partitioned; leave out partitionKey`);
    }
    if (!this.partitionKeys.includes(partition)) {
      const { start, end } = this.partitionKeyRange;
      throw new InvalidDefinitionError(
        `ctx.addAssetMetadata names partition "${partition}" of asset "${key}", which step "${step.key}" does not materialize (its partitions: ${start === end ? start : `${start}...${end}`})`,
      );
    }
    const byPartition = this.partitionMetadata.get(key) ?? new Map<string, Record<string, unknown>>();
    byPartition.set(partition, { ...byPartition.get(partition), ...metadata });
    this.partitionMetadata.set(key, byPartition);
  }
  // Metadata attaches to materializations, which a check step does not make.
  #materializingStep(method: string): Exclude<PlanStep, { kind: "check" }> {
    const step = this.step;
    if (step.kind === "check") {
      throw new InvalidDefinitionError(`ctx.${method} was called in check "${step.check.spec.name}", which materializes no asset; put metadata on the AssetCheckResult`);
    }
    return step;
  }
}

function checkResourceClasses(run: RunState, step: PlanStep): void {
  for (const [key, expected] of Object.entries(step.op.resourceClasses)) {
    const value = run.resources[key];
    if (!(value instanceof (expected as abstract new (...args: never[]) => unknown))) {
      throw new InvalidDefinitionError(
        `Asset "${step.key}" expects resource "${key}" to be a ${expected.name}, but it is ${value === null ? "null" : typeof value === "object" ? `a ${value.constructor?.name ?? "plain object"}` : typeof value}.`,
      );
    }
  }
}
