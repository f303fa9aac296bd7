// The IPC protocol between `tessera dev` and a code location's process: plain JSON-serializable messages.
import type { LocationOperationName, LocationOperations, OperationResult } from "../workspace-view.js";

/** The run tag naming the code location a run belongs to, so the server starts it with that location's module. */
export const CODE_LOCATION_TAG = "tessera/code_location";

/** What the location process is started with (in its environment, as JSON). */
export interface LocationProcessInput {
  /** The location's name as the workspace shows it. */
  readonly name: string;
  /** Absolute path of the module that exports `defs`. */
  readonly module: string;
  /** The instance operations and the daemon use (its storage config as tessera.yaml gives it, and its home). */
  readonly instance: { readonly storage: unknown; readonly home: string | undefined; readonly computeLogs?: unknown };
  /**
   * Start, prepare (Node, Tessera, the TypeScript loader) and wait for `load`: the workspace keeps one such process
   * per watched location, so that a reload after an edit only pays for importing the module.
   */
  readonly standby?: boolean;
  /** Run the daemon over this location's definitions; absent: no daemon. */
  readonly daemon?: {
    readonly leaseName: string;
    readonly holder: string;
    readonly intervalMs: number;
    /** Whether this location's daemon monitors runs (fails those whose process died); one location's does. */
    readonly monitorRuns: boolean;
  };
}

/** A load error as the workspace shows it. */
export interface LocationErrorInfo {
  readonly message: string;
  readonly stack: string | null;
}

/** Messages from the server to a location process. */
export type ToLocationMessage =
  /** Load the module now (a standby process waits for this). */
  | { readonly type: "load" }
  | { readonly type: "operation"; readonly requestId: number; readonly op: LocationOperationName; readonly args: LocationOperations[LocationOperationName]["args"] }
  /** Start the daemon: sent once the location's previous process (and its daemon's lease) is gone. */
  | { readonly type: "startDaemon" }
  | { readonly type: "stop" };

/** Messages from a location process to the server. */
export type FromLocationMessage =
  | { readonly type: "loaded"; readonly snapshot: unknown; readonly loadMs: number }
  | { readonly type: "failed"; readonly error: LocationErrorInfo }
  | { readonly type: "daemonLog"; readonly level: "info" | "warn" | "error"; readonly message: string }
  /** The daemon queued runs: the server's run queue takes them now rather than at its next pass. */
  | { readonly type: "runsQueued" }
  | { readonly type: "operationResult"; readonly requestId: number; readonly result: OperationResult<unknown> };

/** An error as a message: what crosses the process boundary. */
export function errorInfo(error: unknown): LocationErrorInfo {
  if (!(error instanceof Error)) return { message: String(error), stack: null };
  return { message: error.message, stack: error.stack ?? null };
}
