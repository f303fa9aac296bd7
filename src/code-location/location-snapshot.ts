// LocationSnapshot: what a server needs to know of a code location's Definitions, as plain JSON, so that a
// location loaded in a child process can be described to the API without sharing any object with it.
import { AutomationConditionSensorDefinition } from "../automation/index.js";
import type { MetadataMap } from "../core/index.js";
import { AssetGraph } from "../graph/index.js";
import { snapshotPartitionsDefinition, type PartitionsDefinitionSnapshot } from "../partitions/index.js";
import type { Definitions } from "./definitions.js";

/** The version of the snapshot's shape: a server refuses a snapshot of another version instead of misreading it. */
export const LOCATION_SNAPSHOT_VERSION = 1;

/** One asset check as the API shows it. */
export interface CheckSnapshot {
  readonly name: string;
  /** `a/b` of the checked asset. */
  readonly assetKey: string;
  readonly blocking: boolean;
  readonly description: string | null;
  /** `a/b` of the check's additional deps. */
  readonly additionalDeps: readonly string[];
}

/** One asset as the API shows it. Keys are `a/b` strings; `path` gives the segments of `key`. */
export interface AssetNodeSnapshot {
  readonly key: string;
  readonly path: readonly string[];
  readonly groupName: string;
  readonly kinds: readonly string[];
  readonly owners: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly description: string | null;
  /** Upstream keys (`a/b`), in the order the asset declares them. */
  readonly dependencyKeys: readonly string[];
  /** Downstream keys (`a/b`). */
  readonly dependedByKeys: readonly string[];
  /** The partitions definition as data (rebuild it with `partitionsDefinitionFromSnapshot`), and its description. */
  readonly partitionsDefinition: PartitionsDefinitionSnapshot | null;
  readonly partitionsDescription: string | null;
  readonly codeVersion: string | null;
  /** The automation condition's label, or its description when it has no label. */
  readonly automationConditionLabel: string | null;
  /** Jobs whose selection holds this asset. */
  readonly jobNames: readonly string[];
  readonly checks: readonly CheckSnapshot[];
  /** False for external assets (specs): they are recorded, not computed. */
  readonly isExecutable: boolean;
  readonly isObservable: boolean;
  /** Whether it depends on its own earlier partitions. */
  readonly isSelfDependent: boolean;
  /** How a backfill splits its partitions into runs; null (or absent, in older snapshots) when it has no policy. */
  readonly backfillPolicy?: { readonly policyType: "SINGLE_RUN" | "MULTI_RUN"; readonly maxPartitionsPerRun: number | null } | null;
  /** The metadata the definition declares (a table schema, say), as typed entries; absent in older snapshots. */
  readonly metadata?: MetadataMap;
}

export interface JobSnapshot {
  readonly name: string;
  readonly description: string | null;
  readonly tags: Readonly<Record<string, string>>;
  /** `a/b` keys the job materializes. */
  readonly assetKeys: readonly string[];
  readonly partitionsDefinition: PartitionsDefinitionSnapshot | null;
}

export interface ScheduleSnapshot {
  readonly name: string;
  readonly cronSchedules: readonly string[];
  readonly executionTimezone: string;
  readonly description: string | null;
  readonly defaultStatus: "RUNNING" | "STOPPED";
  readonly jobNames: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

export interface SensorSnapshot {
  readonly name: string;
  /** AUTOMATION for automation condition sensors, STANDARD for the others. */
  readonly sensorType: "STANDARD" | "AUTOMATION";
  readonly minimumIntervalSeconds: number;
  readonly description: string | null;
  readonly defaultStatus: "RUNNING" | "STOPPED";
  readonly jobNames: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * A Definitions described as plain JSON (`JSON.parse(JSON.stringify(s))` is an equal snapshot): assets with
 * their dependencies both ways, jobs, schedules and sensors. Built once per load of a location.
 */
export interface LocationSnapshot {
  readonly version: typeof LOCATION_SNAPSHOT_VERSION;
  /** Assets in topological order (upstreams first). */
  readonly assets: readonly AssetNodeSnapshot[];
  readonly jobs: readonly JobSnapshot[];
  readonly schedules: readonly ScheduleSnapshot[];
  readonly sensors: readonly SensorSnapshot[];
}

/**
 * Describes `defs` as a LocationSnapshot.
 *
 * @example
 * const snapshot = snapshotDefinitions(defs);
 * process.send?.({ type: "loaded", snapshot });
 */
export function snapshotDefinitions(defs: Definitions): LocationSnapshot {
  const graph = AssetGraph.of(defs);
  const jobNamesOf: string[][] = graph.keys.map(() => []);
  const jobs: JobSnapshot[] = defs.jobs.map((job) => {
    const assetKeys = defs.resolveJobAssetIds(job);
    for (const id of assetKeys) {
      const node = graph.indexOf(id);
      if (node !== undefined) jobNamesOf[node]?.push(job.name);
    }
    return {
      name: job.name,
      description: job.description ?? null,
      tags: { ...job.tags },
      assetKeys,
      partitionsDefinition: job.partitionsDef ? snapshotPartitionsDefinition(job.partitionsDef) : null,
    };
  });
  const assets: AssetNodeSnapshot[] = [];
  for (const node of graph.topologicalOrder) {
    const spec = graph.specs[node];
    if (spec === undefined) continue;
    const partitionsDef = spec.partitionsDef;
    const condition = spec.automationCondition;
    assets.push({
      key: graph.ids[node] as string,
      path: [...spec.key.path],
      groupName: spec.groupName,
      kinds: [...spec.kinds],
      owners: [...spec.owners],
      tags: { ...spec.tags },
      description: spec.description ?? null,
      dependencyKeys: (graph.parents[node] ?? []).map((p) => graph.ids[p] as string),
      dependedByKeys: (graph.children[node] ?? []).map((c) => graph.ids[c] as string),
      partitionsDefinition: partitionsDef ? snapshotPartitionsDefinition(partitionsDef) : null,
      partitionsDescription: partitionsDef ? partitionsDef.toString() : null,
      backfillPolicy: spec.backfillPolicy ? { policyType: spec.backfillPolicy.policyType, maxPartitionsPerRun: spec.backfillPolicy.maxPartitionsPerRun } : null,
      codeVersion: spec.codeVersion ?? null,
      // Metadata values are plain data already; the round trip drops what JSON cannot carry to the server.
      metadata: JSON.parse(JSON.stringify(spec.metadata)) as MetadataMap,
      automationConditionLabel: condition ? (condition.label ?? condition.describeNode()) : null,
      jobNames: jobNamesOf[node] ?? [],
      checks: graph.checksOf(node).map((c) => {
        const check = graph.checks[c];
        if (check === undefined) throw new Error(`asset graph check index ${c} out of range`);
        return {
          name: check.spec.name,
          assetKey: graph.ids[node] as string,
          blocking: check.spec.blocking,
          description: check.spec.description ?? null,
          additionalDeps: check.additionalDeps.map((d) => graph.ids[d] as string),
        };
      }),
      isExecutable: !graph.isExternal(node),
      isObservable: graph.isObservable(node),
      isSelfDependent: graph.selfDependent[node] === 1,
    });
  }
  return {
    version: LOCATION_SNAPSHOT_VERSION,
    assets,
    jobs,
    schedules: defs.schedules.map((s) => ({
      name: s.name,
      cronSchedules: typeof s.cronSchedule === "string" ? [s.cronSchedule] : [...s.cronSchedule],
      executionTimezone: s.executionTimezone,
      description: s.description ?? null,
      defaultStatus: s.defaultStatus,
      jobNames: s.targets.map((t) => t.jobName),
      tags: { ...s.tags },
    })),
    sensors: defs.sensors.map((s) => ({
      name: s.name,
      sensorType: s instanceof AutomationConditionSensorDefinition ? "AUTOMATION" : "STANDARD",
      minimumIntervalSeconds: s.minimumIntervalSeconds,
      description: s.description ?? null,
      defaultStatus: s.defaultStatus,
      jobNames: s.targets.map((t) => t.jobName),
      tags: { ...s.tags },
    })),
  };
}
