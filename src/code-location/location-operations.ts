// runLocationOperation: the operations of WorkspaceView that need a location's Definitions, run where the
// Definitions live (this process, or a location's child process) and answered as plain JSON.
import { z } from "zod";
import { UnknownInstigatorError } from "../automation/index.js";
import { AssetKey, TesseraError, closestMatches } from "../core/index.js";
import { buildScheduleContext, buildSensorContext } from "../definitions/index.js";
import { submitBackfill, submitDefinitions, submitReexecution } from "../execution/index.js";
import { AssetGraph, AssetSelection } from "../graph/index.js";
import type { Instance } from "../instance/index.js";
import { StaleStatusResolver } from "../versioning/index.js";
import type { Definitions } from "./definitions.js";
import type { LocationOperationName, LocationOperations, OperationError, OperationResult } from "./workspace-view.js";

type Handler<K extends LocationOperationName> = (defs: Definitions, instance: Instance, args: LocationOperations[K]["args"]) => Promise<LocationOperations[K]["result"]>;

const handlers: { [K in LocationOperationName]: Handler<K> } = {
  async launchRun(defs, instance, args) {
    const selection = args.jobName ? AssetSelection.keys(...defs.resolveJobAssetIds(defs.getJob(args.jobName))) : args.selection;
    const run = await defs.submitRun(selection, {
      instance,
      ...(args.runConfig === undefined || args.runConfig === null ? {} : { runConfig: args.runConfig }),
      ...(args.tags ? { tags: { ...args.tags } } : {}),
      ...(args.jobName ? { jobName: args.jobName } : {}),
      ...(args.partitionKey ? { partitionKey: args.partitionKey } : {}),
      ...(args.partitionRange ? { partitionKeyRange: { start: args.partitionRange.start, end: args.partitionRange.end } } : {}),
    });
    return { runId: run.runId };
  },
  async reexecuteRun(defs, instance, args) {
    const run = await submitReexecution(defs, args.runId, {
      instance,
      fromFailure: args.strategy === "FROM_FAILURE",
      ...(args.strategy === "SELECTED_STEPS" ? { stepKeys: args.stepKeys ?? [] } : {}),
    });
    return { runId: run.runId };
  },
  async launchBackfill(defs, instance, args) {
    const backfill = await submitBackfill(defs, {
      instance,
      ...(args.selection ? { selection: args.selection } : {}),
      ...(args.partitionKeys ? { partitionKeys: args.partitionKeys } : {}),
      ...(args.partitionRange ? { partitionRange: args.partitionRange } : {}),
      ...(args.allPartitions ? { allPartitions: true } : {}),
      ...(args.missingOnly ? { missingOnly: true } : {}),
      ...(args.failedOnly ? { failedOnly: true } : {}),
      ...(args.fromFailureOf ? { fromFailureOf: args.fromFailureOf } : {}),
      ...(args.tags ? { tags: { ...args.tags } } : {}),
    });
    return { backfillId: backfill.backfillId };
  },
  async resolveSelection(defs, instance, args) {
    const graph = AssetGraph.of(defs);
    let selection = AssetSelection.fromString(args.selection);
    if (selection.needsInstance()) selection = await selection.withStatusesResolved(defs, { instance });
    const selected = new Uint8Array(graph.size);
    for (const node of selection.resolveIndices(graph)) selected[node] = 1;
    return { keys: [...graph.topologicalOrder].filter((node) => selected[node] === 1).map((node) => graph.ids[node] as string) };
  },
  async staleStatus(defs, instance, args) {
    const resolver = new StaleStatusResolver(instance, defs);
    // One read of the asset index for every key asked (and their parents), not one per key.
    await resolver.preload(args.keys);
    const out: LocationOperations["staleStatus"]["result"] = [];
    for (const [i, key] of args.keys.entries()) {
      const partitionKey = args.partitionKeys?.[i] ?? undefined;
      try {
        const status = await resolver.getStatus(key, partitionKey);
        const causes = status === "STALE" ? await resolver.getStaleCauses(key, partitionKey) : [];
        out.push({
          key,
          partitionKey: partitionKey ?? null,
          status,
          causes: causes.map((c) => ({
            key: c.key.toString(),
            partitionKey: c.partitionKey ?? null,
            category: c.category,
            reason: c.reason,
            dependency: c.dependency?.toString() ?? null,
            dependencyPartitionKey: c.dependencyPartitionKey ?? null,
          })),
        });
      } catch (error) {
        // Only a question about a partition can be refused here; the others in the batch still get their answer.
        if (partitionKey === undefined) throw error;
        out.push({ key, partitionKey, status: null, error: error instanceof Error ? error.message : String(error), causes: [] });
      }
    }
    return out;
  },
  async dryRunInstigator(defs, instance, args) {
    const evaluation =
      args.type === "SCHEDULE"
        ? await findSchedule(defs, args.name).evaluateTick(
            buildScheduleContext({ scheduledExecutionTime: args.timestamp ?? instance.clock.now(), instance, definitions: defs }),
          )
        : await findSensor(defs, args.name).evaluateTick(buildSensorContext({ instance, definitions: defs, ...(args.cursor ? { cursor: args.cursor } : {}) }));
    return {
      skipMessage: evaluation.skipMessage ?? null,
      cursor: evaluation.cursor ?? null,
      runRequests: evaluation.runRequests.map((r) => ({
        runKey: r.runKey ?? null,
        jobName: r.jobName ?? null,
        partitionKey: r.partitionKey ?? null,
        tags: { ...r.tags },
        assetKeys: r.assetSelection ? r.assetSelection.map((k) => k.toString()) : null,
        runConfig: r.runConfig ?? null,
      })),
    };
  },
  async runConfigSchema(defs, _instance, args) {
    const graph = AssetGraph.of(defs);
    const ops: Record<string, unknown> = {};
    for (const node of AssetSelection.fromString(args.selection).resolveIndices(graph)) {
      const op = graph.definitions[node]?.op;
      if (op?.configSchema) ops[op.name] = { type: "object", properties: { config: z.toJSONSchema(op.configSchema, { io: "input", unrepresentable: "any" }) }, additionalProperties: false };
    }
    return { schema: { type: "object", properties: { ops: { type: "object", properties: ops, additionalProperties: false } } } };
  },
};

function findSchedule(defs: Definitions, name: string) {
  const found = defs.schedules.find((s) => s.name === name);
  if (!found) throw unknownInstigator("schedule", name, defs.schedules.map((s) => s.name));
  return found;
}

function findSensor(defs: Definitions, name: string) {
  const found = defs.sensors.find((s) => s.name === name);
  if (!found) throw unknownInstigator("sensor", name, defs.sensors.map((s) => s.name));
  return found;
}

function unknownInstigator(kind: "schedule" | "sensor", name: string, available: readonly string[]): UnknownInstigatorError {
  return new UnknownInstigatorError(kind, name, available, closestMatches(name, available));
}

/** A thrown error as data: TesseraErrors keep their code and the fields the API shows; anything else is UNEXPECTED. */
export function operationErrorOf(error: unknown): OperationError {
  if (error instanceof TesseraError) {
    const details: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(error)) {
      if (field === "code" || field === "message" || field === "name" || field === "stack") continue;
      details[field] = value instanceof AssetKey ? value.toString() : value;
    }
    return { code: error.code, name: error.name, message: error.message, details: JSON.parse(JSON.stringify(details)) as Record<string, unknown> };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "UNEXPECTED", name: error instanceof Error ? error.name : "Error", message, details: {} };
}

/**
 * Runs one WorkspaceView operation against `defs` and `instance`, never throwing: a failure is returned as an
 * OperationError. A location's child process calls this with the `{ op, args }` it receives.
 *
 * @example
 * const result = await runLocationOperation(defs, instance, "launchRun", { selection: "orders+" });
 */
export async function runLocationOperation<K extends LocationOperationName>(
  defs: Definitions,
  instance: Instance,
  op: K,
  args: LocationOperations[K]["args"],
): Promise<OperationResult<LocationOperations[K]["result"]>> {
  const handler = handlers[op] as Handler<K> | undefined;
  if (handler === undefined) {
    return { ok: false, error: { code: "UNEXPECTED", name: "UnknownOperation", message: `Unknown location operation "${String(op)}".`, details: {} } };
  }
  try {
    return { ok: true, value: await handler(defs, instance, args) };
  } catch (error) {
    return { ok: false, error: operationErrorOf(error) };
  }
}
