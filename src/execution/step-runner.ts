// Runs one step: loads inputs through IO managers, calls the compute with retries, checks and stores outputs, emits events.
import { AssetCheckFailedError, AssetKey, InvalidDefinitionError, OutputTypeCheckError, SystemTags, coerceMetadata, serializeError, type LogLevel, type MetadataMap, type RawMetadata, type Tags, type TesseraEvent } from "../core/index.js";
import { AssetCheckResult, AssetObservation, DEFAULT_IO_MANAGER_KEY, DataVersionsByPartition, ObserveResult, MaterializeResult, isIOManager, runTypeCheck, type AssetExecutionContext, type IOLogger, type IOManager } from "../definitions/index.js";
import type { Instance } from "../instance/index.js";
import type { CheckNode } from "../graph/index.js";
import type { PartitionsDefinition, TimeWindow } from "../partitions/index.js";
import type { AssetPlanStep, CheckPlanStep, PlanStep } from "../plan/index.js";
import { DataVersion, NULL_DATA_VERSION, computeLogicalDataVersion, provenanceTags } from "../versioning/index.js";
import type { RunState } from "./run-state.js";
import { inputPartitionKeys, stepPartitionKey, stepPartitionKeys, stepTimeWindow, timeWindowOfKeys } from "./step-partitions.js";
import { makeLogger } from "./step-logger.js";

export type StepOutcome =
  | { readonly status: "success" }
  | { readonly status: "failure"; readonly error: unknown };

interface ProducedOutput {
  node: number;
  key: AssetKey;
  value: unknown;
  hasValue: boolean;
  metadata: MetadataMap;
  tags: Tags;
  dataVersion: string | undefined;
}

/** Errors from user code that RetryPolicy may retry; others (type checks, IO) fail the step at once. */
class ComputeError extends Error {
  constructor(readonly original: unknown) {
    super("compute failed");
  }
}

export async function runStep(run: RunState, step: PlanStep): Promise<StepOutcome> {
  const started = performance.now();
  const emit = (event: Omit<TesseraEvent, "runId" | "stepKey" | "timestamp">): void =>
    run.writer.emit({ runId: run.runId, stepKey: step.key, timestamp: run.clock.now(), ...event } as TesseraEvent);
  const log = makeLogger((level, message, data) => emit({ eventType: "LOG_MESSAGE", level, message, data }));
  emit({ eventType: "STEP_START", message: `Started execution of step "${step.key}".` });

  let inputs: Record<string, unknown>;
  try {
    inputs = await loadInputs(run, step, log, emit);
  } catch (error) {
    return fail(step, emit, error, started, 0, "loading its inputs");
  }

  const retryPolicy = step.op.retryPolicy ?? run.opRetryPolicy;
  const maxRetries = retryPolicy?.maxRetries ?? 0;
  for (let attempt = 0; ; attempt++) {
    try {
      if (step.kind === "asset" && step.definition.executionType === "observe") {
        evaluateChecks(run, step, await observeOnce(run, step, attempt, log, emit), emit);
      } else if (step.kind === "asset") {
        const { produced, checkResults } = await computeOnce(run, step, inputs, attempt, log, emit);
        await handleOutputs(run, step, produced, log, emit);
        evaluateChecks(run, step, checkResults, emit);
      } else {
        const result = await computeCheck(run, step, inputs, attempt, log);
        evaluateChecks(run, step, [result], emit);
      }
      emit({
        eventType: "STEP_SUCCESS",
        message: `Finished execution of step "${step.key}".`,
        durationMs: performance.now() - started,
        attempt,
      });
      return { status: "success" };
    } catch (error) {
      if (error instanceof ComputeError && retryPolicy && attempt < maxRetries) {
        const seconds = retryPolicy.calculateDelay(attempt + 1, run.random);
        emit({
          eventType: "STEP_UP_FOR_RETRY",
          message: `Step "${step.key}" failed and will be retried (${attempt + 1} of ${maxRetries})${seconds > 0 ? ` in ${seconds.toFixed(2)}s` : ""}.`,
          error: serializeError(error.original),
          attempt,
          data: { delaySeconds: seconds },
        });
        await run.clock.sleep(seconds * 1000);
        emit({ eventType: "STEP_RESTARTED", message: `Retrying step "${step.key}" (attempt ${attempt + 2}).`, attempt: attempt + 1 });
        continue;
      }
      const original = error instanceof ComputeError ? error.original : error;
      const phase = error instanceof ComputeError || error instanceof AssetCheckFailedError ? undefined : "handling its output";
      return fail(step, emit, original, started, attempt, phase);
    }
  }
}

function fail(
  step: PlanStep,
  emit: (event: Omit<TesseraEvent, "runId" | "stepKey" | "timestamp">) => void,
  error: unknown,
  started: number,
  attempt: number,
  phase: string | undefined,
): StepOutcome {
  const serialized = serializeError(error);
  emit({
    eventType: "STEP_FAILURE",
    message: `Step "${step.key}" failed${phase ? ` while ${phase}` : ""}: ${serialized.message}`,
    error: serialized,
    durationMs: performance.now() - started,
    attempt,
  });
  return { status: "failure", error };
}

function ioManagerKeyOf(run: RunState, node: number): string {
  const definition = run.graph.definitions[node];
  const key = run.graph.keys[node] as AssetKey;
  if (definition) return definition.outputForKey(key).ioManagerKey;
  return run.graph.specs[node]?.ioManagerKey ?? DEFAULT_IO_MANAGER_KEY;
}

function ioManager(run: RunState, resourceKey: string, forWhat: string): IOManager {
  const manager = run.resources[resourceKey];
  if (!isIOManager(manager)) {
    throw new InvalidDefinitionError(
      `Resource "${resourceKey}" is used as the IO manager of ${forWhat} but is not one: an IO manager has handleOutput(ctx, value) and loadInput(ctx).`,
    );
  }
  return manager;
}

async function loadInputs(
  run: RunState,
  step: PlanStep,
  log: IOLogger,
  emit: (event: Omit<TesseraEvent, "runId" | "stepKey" | "timestamp">) => void,
): Promise<Record<string, unknown>> {
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
    else {
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

class StepContext implements AssetExecutionContext<unknown, Readonly<Record<string, unknown>>> {
  readonly outputMetadata = new Map<string, Record<string, unknown>>();
  constructor(
    readonly run: RunState,
    readonly step: PlanStep,
    readonly retryNumber: number,
    readonly log: IOLogger,
  ) {}
  get runId(): string {
    return this.run.runId;
  }
  get assetKey(): AssetKey {
    if (this.step.kind === "check") return this.step.check.spec.assetKey;
    return this.run.graph.keys[this.step.nodes[0] as number] as AssetKey;
  }
  get selectedAssetKeys(): readonly AssetKey[] {
    return this.step.nodes.map((n) => this.run.graph.keys[n] as AssetKey);
  }
  get selectedOutputNames(): readonly string[] {
    const step = this.step;
    if (step.kind === "check") return [];
    return step.nodes.map((n) => step.definition.outputForKey(this.run.graph.keys[n] as AssetKey).name);
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
    if (!input) throw new InvalidDefinitionError(`Step "${this.step.key}" has no input "${inputName}" (inputs: ${this.step.inputs.map((i) => i.name).join(", ") || "none"})`);
    return inputPartitionKeys(this.run, this.step, input.node) ?? [];
  }
  get definitionMetadata(): MetadataMap {
    if (this.step.kind === "check") return this.step.check.spec.metadata;
    return this.run.graph.specs[this.step.nodes[0] as number]?.metadata ?? coerceMetadata(undefined);
  }
  addOutputMetadata(metadata: RawMetadata, outputName = "result"): void {
    const current = this.outputMetadata.get(outputName) ?? {};
    this.outputMetadata.set(outputName, { ...current, ...metadata });
  }
}

async function computeOnce(
  run: RunState,
  step: AssetPlanStep,
  inputs: Record<string, unknown>,
  attempt: number,
  log: IOLogger,
  emit: (event: Omit<TesseraEvent, "runId" | "stepKey" | "timestamp">) => void,
): Promise<{ produced: ProducedOutput[]; checkResults: AssetCheckResult[] }> {
  const ctx = new StepContext(run, step, attempt, log);
  checkResourceClasses(run, step);
  const compute = step.op.compute as (ctx: unknown, inputs: unknown) => unknown;
  const results: MaterializeResult<unknown>[] = [];
  const checkResults: AssetCheckResult[] = [];
  let returned: unknown;
  let yielded = false;
  try {
    returned = compute(ctx, Object.freeze(inputs));
    if (isAsyncIterable(returned) || isGenerator(returned)) {
      yielded = true;
      for await (const item of returned as AsyncIterable<unknown>) {
        if (item instanceof MaterializeResult) results.push(item);
        else if (item instanceof AssetObservation) emitObservation(item, emit);
        else if (item instanceof AssetCheckResult) checkResults.push(item);
        else {
          throw new InvalidDefinitionError(
            `Asset "${ctx.assetKey.toString()}" yielded ${describeYield(item)}; an asset may yield MaterializeResult, AssetObservation or AssetCheckResult. Return a plain value instead of yielding it.`,
          );
        }
      }
    } else {
      returned = await returned;
    }
  } catch (error) {
    throw new ComputeError(error);
  }

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
      metadata: coerceMetadata({ ...(ctx.outputMetadata.get(outputName) ?? {}), ...(result?.metadata ?? {}) }),
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
    else if (singleOutput !== undefined) {
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

async function handleOutputs(
  run: RunState,
  step: AssetPlanStep,
  outputs: readonly ProducedOutput[],
  log: IOLogger,
  emit: (event: Omit<TesseraEvent, "runId" | "stepKey" | "timestamp">) => void,
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
      let metadata: MetadataMap = output.metadata;
      if (output.hasValue) {
        const failure = runTypeCheck(definition.type as never, value);
        if (failure !== undefined) throw new OutputTypeCheckError(output.key.toString(), failure);
        const manager = ioManager(run, definition.ioManagerKey, `asset "${output.key.toString()}"`);
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

/**
 * What an IO manager context tells of the partitions around the one it handles: every key the run writes (or
 * the input reads), their first and last, and for time partitions the window they span.
 */
function partitionRangeFields(
  def: PartitionsDefinition | undefined,
  keys: readonly string[] | undefined,
): { hasPartitionKey: boolean; assetPartitionKeys?: readonly string[]; assetPartitionKeyRange?: { start: string; end: string }; assetPartitionsTimeWindow?: TimeWindow } {
  if (keys === undefined) return { hasPartitionKey: false };
  const window = timeWindowOfKeys(def, keys);
  return {
    hasPartitionKey: true,
    assetPartitionKeys: keys,
    ...(keys.length ? { assetPartitionKeyRange: { start: keys[0] as string, end: keys[keys.length - 1] as string } } : {}),
    ...(window ? { assetPartitionsTimeWindow: window } : {}),
  };
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

/**
 * Calls an observable source's observe function and records an observation per asset (per partition for
 * DataVersionsByPartition) carrying its data version; returns the check results it reported.
 */
async function observeOnce(
  run: RunState,
  step: AssetPlanStep,
  attempt: number,
  log: IOLogger,
  emit: (event: Omit<TesseraEvent, "runId" | "stepKey" | "timestamp">) => void,
): Promise<AssetCheckResult[]> {
  const ctx = new StepContext(run, step, attempt, log);
  checkResourceClasses(run, step);
  const items: unknown[] = [];
  try {
    const returned = (step.op.compute as (ctx: unknown, inputs: unknown) => unknown)(ctx, Object.freeze({}));
    if (isAsyncIterable(returned) || isGenerator(returned)) for await (const item of returned as AsyncIterable<unknown>) items.push(item);
    else {
      const value = await returned;
      if (Array.isArray(value)) items.push(...(value as unknown[]));
      else items.push(value);
    }
  } catch (error) {
    throw new ComputeError(error);
  }
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

/** Calls a check's own compute; it must return an AssetCheckResult. */
async function computeCheck(
  run: RunState,
  step: CheckPlanStep,
  inputs: Record<string, unknown>,
  attempt: number,
  log: IOLogger,
): Promise<AssetCheckResult> {
  const ctx = new StepContext(run, step, attempt, log);
  checkResourceClasses(run, step);
  let returned: unknown;
  try {
    returned = await (step.op.compute as (ctx: unknown, inputs: unknown) => unknown)(ctx, Object.freeze(inputs));
  } catch (error) {
    throw new ComputeError(error);
  }
  if (!(returned instanceof AssetCheckResult)) {
    throw new InvalidDefinitionError(
      `Asset check "${step.check.id}" returned ${describeYield(returned)}; a check returns new AssetCheckResult({ passed, metadata? }).`,
    );
  }
  return returned;
}

/**
 * Records the step's check results against the checks it evaluates; a declared check with no result, or a
 * result for a check the step does not evaluate, fails the step. A failed blocking check with severity
 * ERROR fails the step after every evaluation is recorded, so the assets downstream do not run.
 */
function evaluateChecks(
  run: RunState,
  step: PlanStep,
  results: readonly AssetCheckResult[],
  emit: (event: Omit<TesseraEvent, "runId" | "stepKey" | "timestamp">) => void,
): void {
  if (results.length === 0 && step.checks.length === 0) return;
  const checks = step.checks.map((c) => run.graph.checks[c] as CheckNode);
  const declared = step.kind === "asset" ? run.graph.checks.filter((c) => c.definition === step.definition) : checks;
  const matched = new Map<number, AssetCheckResult>();
  for (const result of results) {
    const candidates = declared.filter(
      (c) => (result.checkName === undefined || c.spec.name === result.checkName) && (result.assetKey === undefined || c.spec.assetKey.equals(result.assetKey)),
    );
    if (candidates.length !== 1) {
      const named = `${result.assetKey?.toString() ?? "?"}:${result.checkName ?? "?"}`;
      throw new InvalidDefinitionError(
        candidates.length === 0
          ? `Step "${step.key}" reported a result for check "${named}", which it does not declare (its checks: ${declared.map((c) => c.id).join(", ") || "none"}). Declare it in checkSpecs.`
          : `Step "${step.key}" reported a check result that matches several checks (${candidates.map((c) => c.id).join(", ")}); give it a checkName.`,
      );
    }
    const check = candidates[0] as CheckNode;
    if (matched.has(check.index)) throw new InvalidDefinitionError(`Step "${step.key}" reported check "${check.id}" twice`);
    matched.set(check.index, result);
  }
  const missing = checks.filter((c) => !matched.has(c.index));
  if (missing.length > 0) {
    throw new InvalidDefinitionError(
      `Step "${step.key}" did not report a result for check${missing.length > 1 ? "s" : ""} ${missing.map((c) => `"${c.id}"`).join(", ")}; yield an AssetCheckResult (or pass it in MaterializeResult.checkResults) for each of its checkSpecs.`,
    );
  }
  const blockingFailures: string[] = [];
  for (const [index, result] of matched) {
    const check = run.graph.checks[index] as CheckNode;
    emit({
      eventType: "ASSET_CHECK_EVALUATION",
      assetKey: check.spec.assetKey,
      partition: stepPartitionKey(run, step),
      checkName: check.spec.name,
      passed: result.passed,
      severity: result.severity,
      metadata: result.metadata,
      message: result.description ?? `Check "${check.id}" ${result.passed ? "passed" : "failed"}.`,
      data: { blocking: check.spec.blocking },
    });
    if (!result.passed && check.spec.blocking && result.severity === "ERROR") blockingFailures.push(check.id);
  }
  if (blockingFailures.length > 0) throw new AssetCheckFailedError(blockingFailures);
}

function emitObservation(observation: AssetObservation, emit: (event: Omit<TesseraEvent, "runId" | "stepKey" | "timestamp">) => void): void {
  emit({
    eventType: "ASSET_OBSERVATION",
    assetKey: observation.assetKey,
    partition: observation.partition,
    metadata: observation.metadata,
    tags: observation.tags,
    message: observation.description,
  });
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

function isAsyncIterable(value: unknown): boolean {
  return typeof value === "object" && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

function isGenerator(value: unknown): boolean {
  return Object.prototype.toString.call(value) === "[object Generator]";
}

function describeYield(item: unknown): string {
  if (item === null || typeof item !== "object") return `a ${typeof item} (${String(item)})`;
  return `a ${item.constructor?.name ?? "plain object"}`;
}

export type { LogLevel };
