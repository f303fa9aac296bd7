// Captures what a step writes to process.stdout and process.stderr (console.log included) into the instance's
// compute log manager, while it still reaches the terminal. Steps run concurrently in one process, so the step a
// write belongs to is the one whose async context made it (AsyncLocalStorage), not whichever step ran last.
import { AsyncLocalStorage } from "node:async_hooks";
import type { ComputeIOType, ComputeLogSink } from "../instance/index.js";
import type { PlanStep } from "../plan/index.js";
import type { RunState } from "./run-state.js";

interface StepCapture {
  readonly sink: ComputeLogSink;
  /** Called once, on the step's first write. */
  readonly onFirstWrite: () => void;
  wrote: boolean;
}

const current = new AsyncLocalStorage<StepCapture>();
let installed = false;

type Write = typeof process.stdout.write;

// Installed on the first capture, not on import: a program that never runs a step keeps its streams untouched.
function install(): void {
  if (installed) return;
  installed = true;
  for (const [stream, io] of [
    [process.stdout, "stdout"],
    [process.stderr, "stderr"],
  ] as const) {
    const original = stream.write;
    const patched = function (this: NodeJS.WriteStream, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
      const capture = current.getStore();
      if (capture !== undefined) record(capture, io, chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : undefined);
      return (original as (...args: unknown[]) => boolean).call(this, chunk, encoding, callback);
    };
    stream.write = patched as Write;
  }
}

function record(capture: StepCapture, io: ComputeIOType, chunk: unknown, encoding: BufferEncoding | undefined): void {
  // Nothing the step writes while we record may be recorded again (a LOGS_CAPTURED listener printing, say).
  current.exit(() => {
    try {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, encoding ?? "utf8") : chunk instanceof Uint8Array ? chunk : undefined;
      if (bytes === undefined || bytes.length === 0) return;
      if (!capture.wrote) {
        capture.wrote = true;
        capture.onFirstWrite();
      }
      capture.sink.write(io, bytes);
    } catch {
      // Keeping the compute log must never fail the step's own write (a full disk fails the log, not the step).
    }
  });
}

/**
 * Runs one step with its output captured: every write to process.stdout/stderr made in its async context goes to
 * the instance's compute log manager as well, and the step's first write records LOGS_CAPTURED in the run's log.
 */
export async function captureStepOutput<T>(run: RunState, step: PlanStep, body: () => Promise<T>): Promise<T> {
  const manager = run.instance.computeLogs;
  if (!manager.enabled) return body();
  install();
  const sink = manager.openStep(run.runId, step.key);
  const capture: StepCapture = {
    sink,
    wrote: false,
    onFirstWrite: () =>
      run.writer.emit({
        runId: run.runId,
        stepKey: step.key,
        timestamp: run.clock.now(),
        eventType: "LOGS_CAPTURED",
        message: `Started capturing the output of step "${step.key}".`,
        data: {
          fileKey: sink.fileKey,
          stepKeys: [step.key],
          logKey: [...sink.logKey],
          pid: process.pid,
          ...(sink.paths ? { stdoutPath: sink.paths.stdout, stderrPath: sink.paths.stderr } : {}),
        },
      }),
  };
  try {
    return await current.run(capture, body);
  } finally {
    sink.close();
  }
}

/** Runs `fn` with nothing it writes captured: the engine's own output (progress lines) made from inside a step. */
export function outsideCapture<T>(fn: () => T): T {
  return current.getStore() === undefined ? fn() : current.exit(fn);
}
