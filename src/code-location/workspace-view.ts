// WorkspaceView: what the API needs of a workspace of code locations, whether they are loaded in this process
// (InProcessWorkspace) or each in a child process (`tessera dev`). Everything that crosses it is plain JSON.
import type { TesseraErrorCode } from "../core/index.js";
import type { LocationSnapshot } from "./location-snapshot.js";

/** Where a location's load stands. FAILED: its module threw or exported no valid `defs`; the others still work. */
export type LocationStatus = "LOADING" | "LOADED" | "FAILED";

/** One code location as the workspace currently knows it. */
export interface LocationEntry {
  readonly name: string;
  readonly status: LocationStatus;
  /** Why it failed to load (FAILED only); never holds secrets from the environment. */
  readonly error: { readonly message: string; readonly stack: string | null } | null;
  /** The last successful load's snapshot; kept while a reload is LOADING, null once it FAILED. */
  readonly snapshot: LocationSnapshot | null;
  /** Epoch ms of the last change of status. */
  readonly updatedAt: number;
}

/** A failure of an operation on a location, as data: the TesseraError's code, class name and message. */
export interface OperationError {
  /** The TesseraError code, or UNEXPECTED for an error that is not a TesseraError (a bug or a user's throw). */
  readonly code: TesseraErrorCode | "UNEXPECTED" | "LOCATION_UNAVAILABLE";
  /** The error's class name, e.g. SelectionSyntaxError. */
  readonly name: string;
  readonly message: string;
  /** Fields the API shows as typed members: a selection's `position`/`expected`, config `issues`. */
  readonly details: Readonly<Record<string, unknown>>;
}

export type OperationResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: OperationError };

/** A partition range by its first and last keys, both included. */
export interface PartitionRangeInput {
  readonly start: string;
  readonly end: string;
}

/**
 * The operations that need a location's Definitions (not only the instance). Each takes and returns plain JSON,
 * so a child process can run them: the workspace passes `{ op, args }` to `runLocationOperation` there.
 */
export interface LocationOperations {
  /** Queues a run of `selection` (either grammar); the run coordinator (the daemon) launches it. */
  launchRun: {
    args: {
      selection: string;
      partitionKey?: string | null;
      partitionRange?: PartitionRangeInput | null;
      runConfig?: unknown;
      tags?: Readonly<Record<string, string>>;
      jobName?: string | null;
    };
    result: { runId: string };
  };
  /** Queues a re-execution: every step, only those that did not succeed, or the given step keys. */
  reexecuteRun: {
    args: { runId: string; strategy: "ALL_STEPS" | "FROM_FAILURE" | "SELECTED_STEPS"; stepKeys?: readonly string[] | null };
    result: { runId: string };
  };
  /** Records a backfill (REQUESTED); the daemon runs it. */
  launchBackfill: {
    args: {
      selection?: string | null;
      partitionKeys?: readonly string[] | null;
      partitionRange?: PartitionRangeInput | null;
      allPartitions?: boolean;
      missingOnly?: boolean;
      failedOnly?: boolean;
      fromFailureOf?: string | null;
      tags?: Readonly<Record<string, string>>;
    };
    result: { backfillId: string };
  };
  /** The `a/b` keys a selection (either grammar) selects, in the location's topological order. */
  resolveSelection: {
    args: { selection: string };
    result: { keys: string[] };
  };
  /**
   * Staleness of the given assets (`a/b`), with causes for the stale ones; of `partitionKeys[i]` of `keys[i]` when
   * given (null for the asset as a whole). A question the location refuses (an unknown partition) has `error`.
   */
  staleStatus: {
    args: { keys: readonly string[]; partitionKeys?: readonly (string | null)[] };
    result: {
      key: string;
      partitionKey?: string | null;
      status: "FRESH" | "STALE" | "MISSING" | null;
      error?: string | null;
      causes: { key: string; partitionKey?: string | null; category: string; reason: string; dependency: string | null; dependencyPartitionKey?: string | null }[];
    }[];
  };
  /** Evaluates a schedule (at `timestamp`, epoch ms) or a sensor (from `cursor`) once, launching nothing. */
  dryRunInstigator: {
    args: { name: string; type: "SCHEDULE" | "SENSOR"; timestamp?: number | null; cursor?: string | null };
    result: {
      skipMessage: string | null;
      cursor: string | null;
      runRequests: { runKey: string | null; jobName: string | null; partitionKey: string | null; tags: Record<string, string>; assetKeys: string[] | null; runConfig: unknown }[];
    };
  };
  /** JSON Schema of the run config of a selection's assets (`{ ops: {...}, resources: {...} }`). */
  runConfigSchema: {
    args: { selection: string };
    result: { schema: unknown };
  };
}

export type LocationOperationName = keyof LocationOperations;

/** A change of a location's state, for subscribers. */
export interface LocationEvent {
  readonly location: LocationEntry;
}

/**
 * The API's view of a workspace. `tessera dev` implements it with a child process per location; InProcessWorkspace
 * over Definitions already loaded (tests, scripts).
 */
export interface WorkspaceView {
  /** Every location, in the workspace's order. */
  locations(): readonly LocationEntry[];
  /** Loads the location again (re-importing its module); resolves with its new state, LOADED or FAILED. */
  reloadLocation(name: string): Promise<LocationEntry>;
  /** Reloads every location. */
  reloadWorkspace(): Promise<readonly LocationEntry[]>;
  /** Runs an operation against the named location's Definitions. */
  run<K extends LocationOperationName>(location: string, op: K, args: LocationOperations[K]["args"]): Promise<OperationResult<LocationOperations[K]["result"]>>;
  /** Calls `listener` on each change of a location's state; returns the function that stops it. */
  subscribe(listener: (event: LocationEvent) => void): () => void;
}
