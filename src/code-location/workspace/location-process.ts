// The child side of a code location in `tessera dev`: loads the module, sends its snapshot, answers the API's
// operations and runs the location's daemon. It never executes a run: the server starts each in a process of its own.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Daemon, queuedDaemonLauncher, type DaemonLogger, type DaemonRunLauncher } from "../../automation/daemon/index.js";
import { isTypeScriptModule, loadTypeScript } from "../../core/index.js";
import { loadModuleDefinitions } from "../../execution/multiprocess/load-definitions.js";
import { Instance, type ComputeLogSettings, type StorageConfig } from "../../instance/index.js";
import { Definitions } from "../definitions.js";
import { runLocationOperation } from "../location-operations.js";
import { snapshotDefinitions } from "../location-snapshot.js";
import { CODE_LOCATION_TAG, errorInfo, type FromLocationMessage, type LocationProcessInput, type ToLocationMessage } from "./location-messages.js";

const input = JSON.parse(process.env.TESSERA_LOCATION_INPUT ?? "{}") as LocationProcessInput;

function send(message: FromLocationMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

/** The daemon's runs are queued with this location's tag; the server's run queue starts them with its module. */
const taggedDaemonLauncher: DaemonRunLauncher = Object.freeze({
  async launch(request: Parameters<DaemonRunLauncher["launch"]>[0], context: Parameters<DaemonRunLauncher["launch"]>[1]) {
    const launched = await queuedDaemonLauncher.launch({ ...request, tags: { ...request.tags, [CODE_LOCATION_TAG]: input.name } }, context);
    void send({ type: "runsQueued" });
    return launched;
  },
});

/**
 * Imports Tessera as the user's module will resolve it (`@tessera/core` from the module's folder) before the
 * TypeScript loader is registered: through the loader's hooks the same import takes several times longer (measured:
 * ~600 ms against ~75 ms for a 1,000-asset module), and the module then finds it already loaded.
 */
async function preloadTessera(): Promise<void> {
  let resolved: string;
  try {
    resolved = createRequire(input.module).resolve("@tessera/core");
  } catch {
    return; // not installed beside the module: the module's own import says so, with the fix
  }
  await import(pathToFileURL(resolved).href);
}

/** Resolves when the server says `load` (a standby process), or at once. */
async function loadRequested(): Promise<void> {
  if (!input.standby) return;
  // A standby whose server is gone has nothing to wait for.
  const gone = (): never => process.exit(0);
  const waiting = new Promise<void>((resolve) => {
    const onMessage = (message: ToLocationMessage): void => {
      if (message.type === "stop") gone();
      if (message.type !== "load") return;
      process.off("message", onMessage);
      process.off("disconnect", gone);
      resolve();
    };
    process.on("message", onMessage);
    process.on("disconnect", gone);
    process.on("SIGINT", () => undefined);
  });
  if (isTypeScriptModule(input.module)) await loadTypeScript();
  await waiting;
}

async function main(): Promise<void> {
  await preloadTessera().catch(() => undefined);
  await loadRequested();
  const started = performance.now();
  let defs: Definitions;
  try {
    const loaded = await loadModuleDefinitions(input.module);
    // DefinitionsData is abstract and Definitions its one concrete class: this holds for every loaded module.
    if (!(loaded instanceof Definitions)) throw new Error(`${input.module} exports a \`defs\` that is not a Definitions.`);
    defs = loaded;
  } catch (error) {
    await send({ type: "failed", error: errorInfo(error) });
    process.exit(0);
  }
  await send({ type: "loaded", snapshot: snapshotDefinitions(defs), loadMs: performance.now() - started });

  const instance = Instance.open({ storage: input.instance.storage as StorageConfig, ...(input.instance.home ? { home: input.instance.home } : {}), ...(input.instance.computeLogs ? { computeLogs: input.instance.computeLogs as ComputeLogSettings } : {}) });
  const controller = new AbortController();
  let daemonDone: Promise<void> = Promise.resolve();
  const startDaemon = (): void => {
    const options = input.daemon;
    if (!options || controller.signal.aborted) return;
    const logger: DaemonLogger = {
      info: (message) => void send({ type: "daemonLog", level: "info", message }),
      warn: (message) => void send({ type: "daemonLog", level: "warn", message }),
      error: (message) => void send({ type: "daemonLog", level: "error", message }),
    };
    const daemon = new Daemon({
      instance,
      defs,
      leaseName: options.leaseName,
      holder: options.holder,
      intervalMs: options.intervalMs,
      logger,
      launcher: taggedDaemonLauncher,
      // The server runs the one run queue of the workspace, so that each run starts with its own location's module.
      runQueueLauncher: false,
      ...(options.monitorRuns ? {} : { runStartTimeoutMs: false as const }),
    });
    daemonDone = daemon.run({ signal: controller.signal }).catch((error: unknown) => logger.error(`the daemon stopped: ${errorInfo(error).message}`));
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      controller.abort();
      await daemonDone;
      await instance.close();
      process.exit(0);
    })());
  process.on("message", (message: ToLocationMessage) => {
    if (message.type === "stop") void stop();
    else if (message.type === "startDaemon") startDaemon();
    else if (message.type === "operation") {
      void runLocationOperation(defs, instance, message.op, message.args).then((result) => send({ type: "operationResult", requestId: message.requestId, result }));
    }
  });
  // The server died without saying stop: release the lease and go.
  process.on("disconnect", () => void stop());
  // Ctrl-C reaches every process of the terminal's group: the server decides when this one stops.
  process.on("SIGINT", () => undefined);
}

void main();
