// One process of one code location, seen from the server: spawn, the first answer (loaded or failed), requests, stop.
import { spawn, type ChildProcess } from "node:child_process";
import { ownModuleProcessArgs } from "../../core/index.js";
import type { LocationOperationName, LocationOperations, OperationError, OperationResult } from "../workspace-view.js";
import type { FromLocationMessage, LocationErrorInfo, LocationProcessInput, ToLocationMessage } from "./location-messages.js";

const PROCESS_ARGS = ownModuleProcessArgs("code-location/workspace/location-process");

/** How a location's process answered first. */
export type LoadOutcome =
  | { readonly ok: true; readonly snapshot: unknown; readonly loadMs: number }
  | { readonly ok: false; readonly error: LocationErrorInfo };

export interface LocationChildEvents {
  /** A message other than the first answer and operation results: daemon logs, runs queued. */
  onMessage(message: FromLocationMessage): void;
  /** The process ended without being asked to, after it had loaded. */
  onCrash(error: LocationErrorInfo): void;
}

/** The last lines of a process's stderr, which name why it died. */
const STDERR_TAIL = 4_000;

export class LocationChild {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (result: OperationResult<unknown>) => void>();
  readonly #exited: Promise<void>;
  readonly loaded: Promise<LoadOutcome>;
  #nextRequest = 1;
  #stopping = false;
  #stderr = "";

  constructor(input: LocationProcessInput, events: LocationChildEvents) {
    this.#child = spawn(process.execPath, PROCESS_ARGS, {
      stdio: ["ignore", "inherit", "pipe", "ipc"],
      env: { ...process.env, TESSERA_LOCATION_INPUT: JSON.stringify(input) },
      serialization: "advanced",
    });
    this.#child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      process.stderr.write(chunk);
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_TAIL);
    });
    let answer: (outcome: LoadOutcome) => void = () => {};
    let answered = false;
    this.loaded = new Promise((resolve) => (answer = (outcome) => ((answered = true), resolve(outcome))));
    this.#child.on("message", (message: FromLocationMessage) => {
      if (message.type === "loaded") answer({ ok: true, snapshot: message.snapshot, loadMs: message.loadMs });
      else if (message.type === "failed") answer({ ok: false, error: message.error });
      else if (message.type === "operationResult") {
        this.#pending.get(message.requestId)?.(message.result);
        this.#pending.delete(message.requestId);
      }
      else events.onMessage(message);
    });
    this.#exited = new Promise((resolve) => {
      const exited = (code: number | null, signal: NodeJS.Signals | null): void => {
        const why = this.#diedMessage(code, signal);
        for (const pending of this.#pending.values()) pending(unavailable(why.message));
        this.#pending.clear();
        if (!answered) answer({ ok: false, error: why });
        else if (!this.#stopping) events.onCrash(why);
        resolve();
      };
      this.#child.on("exit", exited);
      this.#child.on("error", (error) => {
        if (this.#child.exitCode === null && this.#child.pid === undefined) exited(null, null);
        this.#stderr += error.message;
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Whether the process is still there to talk to. */
  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null && this.#child.connected;
  }

  /** Tells a standby process to load its module now; `loaded` settles with the outcome. */
  load(): void {
    this.send({ type: "load" });
  }

  send(message: ToLocationMessage): void {
    if (this.#child.connected) this.#child.send(message);
  }

  /** Runs one of the API's operations against the location's definitions, in its process. */
  run<K extends LocationOperationName>(op: K, args: LocationOperations[K]["args"]): Promise<OperationResult<LocationOperations[K]["result"]>> {
    if (!this.#child.connected) return Promise.resolve(unavailable("The code location's process has exited; reload the location."));
    const requestId = this.#nextRequest++;
    return new Promise((resolve) => {
      this.#pending.set(requestId, resolve as (result: OperationResult<unknown>) => void);
      this.send({ type: "operation", requestId, op, args });
    });
  }

  /** Asks the process to stop (its daemon releases the lease); kills it after `graceMs`. Resolves once it has exited. */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      if (this.#child.connected) this.send({ type: "stop" });
      else this.#child.kill("SIGTERM");
      const kill = setTimeout(() => this.#child.kill("SIGKILL"), graceMs);
      await this.#exited;
      clearTimeout(kill);
    }
  }

  #diedMessage(code: number | null, signal: NodeJS.Signals | null): LocationErrorInfo {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code ?? "?"}`;
    const tail = this.#stderr.trim().split("\n").slice(-8).join("\n");
    return { message: `The code location's process ${how}${tail ? `:\n${tail}` : "."}`, stack: null };
  }
}

/** The answer to an operation on a location that cannot run it. */
export function unavailable(message: string): { readonly ok: false; readonly error: OperationError } {
  return { ok: false, error: { code: "LOCATION_UNAVAILABLE", name: "CodeLocationUnavailableError", message, details: {} } };
}
