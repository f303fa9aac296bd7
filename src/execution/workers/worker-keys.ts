// Where workers record themselves in storage, for whoever watches them (run monitoring, a queue executor's
// orchestrator): kept apart from the worker so that watching one needs none of the worker's runtime.

/** The kv entry naming the worker that executes a run, for run monitoring. */
export const RUN_WORKER_KEY_PREFIX = "run_worker/";
/** The lease a live worker holds and renews: `worker:<workerId>`. */
export const WORKER_LEASE_PREFIX = "worker:";
