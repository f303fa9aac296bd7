// InProcessWorkspace: a WorkspaceView over Definitions loaded in this process (tests, scripts, single-process use).
import type { Instance } from "../instance/index.js";
import type { Definitions } from "./definitions.js";
import { runLocationOperation } from "./location-operations.js";
import { snapshotDefinitions } from "./location-snapshot.js";
import type { LocationEntry, LocationEvent, LocationOperationName, LocationOperations, OperationResult, WorkspaceView } from "./workspace-view.js";

/** One location of an InProcessWorkspace: Definitions already built, or a function that builds them on each (re)load. */
export interface InProcessLocation {
  readonly name: string;
  readonly load: Definitions | (() => Definitions | Promise<Definitions>);
}

export interface InProcessWorkspaceOptions {
  /** The instance operations (launching runs, backfills, staleness) work on. */
  readonly instance: Instance;
  readonly locations: readonly InProcessLocation[];
}

interface Slot {
  readonly location: InProcessLocation;
  entry: LocationEntry;
  defs: Definitions | undefined;
}

/**
 * A workspace whose locations live in this process. `load()` loads every location (a location whose load
 * throws is FAILED, the others still work); `reloadLocation` loads one again.
 *
 * @example
 * const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "shop", load: defs }] });
 * const yoga = createGraphQLHandler({ instance, workspace });
 */
export class InProcessWorkspace implements WorkspaceView {
  readonly #instance: Instance;
  readonly #slots: Slot[];
  readonly #listeners = new Set<(event: LocationEvent) => void>();

  private constructor(options: InProcessWorkspaceOptions) {
    this.#instance = options.instance;
    const names = new Set<string>();
    this.#slots = options.locations.map((location) => {
      if (names.has(location.name)) throw new Error(`Two code locations are named "${location.name}"; give each location its own name.`);
      names.add(location.name);
      return { location, defs: undefined, entry: { name: location.name, status: "LOADING", error: null, snapshot: null, updatedAt: options.instance.clock.now() } };
    });
  }

  /** A workspace with every location loaded. */
  static async load(options: InProcessWorkspaceOptions): Promise<InProcessWorkspace> {
    const workspace = new InProcessWorkspace(options);
    await workspace.reloadWorkspace();
    return workspace;
  }

  locations(): readonly LocationEntry[] {
    return this.#slots.map((s) => s.entry);
  }

  async reloadLocation(name: string): Promise<LocationEntry> {
    const slot = this.#slot(name);
    if (slot === undefined) {
      throw new Error(`No code location named "${name}"; the workspace has ${this.#slots.map((s) => `"${s.location.name}"`).join(", ") || "none"}.`);
    }
    this.#set(slot, { ...slot.entry, status: "LOADING", updatedAt: this.#instance.clock.now() });
    try {
      const load = slot.location.load;
      const defs = typeof load === "function" ? await load() : load;
      const snapshot = snapshotDefinitions(defs);
      slot.defs = defs;
      this.#set(slot, { name, status: "LOADED", error: null, snapshot, updatedAt: this.#instance.clock.now() });
    } catch (error) {
      slot.defs = undefined;
      const message = error instanceof Error ? error.message : String(error);
      const stack = error instanceof Error ? (error.stack ?? null) : null;
      this.#set(slot, { name, status: "FAILED", error: { message, stack }, snapshot: null, updatedAt: this.#instance.clock.now() });
    }
    return slot.entry;
  }

  async reloadWorkspace(): Promise<readonly LocationEntry[]> {
    for (const slot of this.#slots) await this.reloadLocation(slot.location.name);
    return this.locations();
  }

  async run<K extends LocationOperationName>(location: string, op: K, args: LocationOperations[K]["args"]): Promise<OperationResult<LocationOperations[K]["result"]>> {
    const slot = this.#slot(location);
    if (slot?.defs === undefined) {
      const why = slot === undefined ? `there is no code location named "${location}"` : `code location "${location}" is ${slot.entry.status}`;
      return { ok: false, error: { code: "LOCATION_UNAVAILABLE", name: "LocationUnavailable", message: `Cannot run ${op}: ${why}.`, details: { location } } };
    }
    return runLocationOperation(slot.defs, this.#instance, op, args);
  }

  subscribe(listener: (event: LocationEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #slot(name: string): Slot | undefined {
    return this.#slots.find((s) => s.location.name === name);
  }

  #set(slot: Slot, entry: LocationEntry): void {
    slot.entry = Object.freeze(entry);
    for (const listener of [...this.#listeners]) listener({ location: slot.entry });
  }
}
