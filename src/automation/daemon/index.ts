// The daemon layer: the Daemon and its loops, run launchers, and starting/stopping schedules and sensors.
export { Daemon, DAEMON_LEASE, DEFAULT_DAEMON_LEASE_TTL_MS, DaemonLoop, type DaemonIteration, type DaemonOptions } from "./daemon.js";
export { silentLogger, type DaemonLogger } from "./daemon-logger.js";
export { inProcessDaemonLauncher, queuedDaemonLauncher, type LaunchedRun, type LaunchRequest, type DaemonRunLauncher } from "./run-launcher.js";
export { setInstigatorStatus, summarizeInstigators, type InstigatorSummary } from "./instigator-control.js";
export { UnknownInstigatorError, InvalidDaemonOptionError } from "./errors.js";
export { DEFAULT_MAX_CATCHUP_TICKS } from "./schedule-loop.js";
