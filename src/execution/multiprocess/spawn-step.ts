// The parent side of the multiprocess executor: one child process per step, its report read from stdout.
import { spawn } from "node:child_process";
import { ownModuleProcessArgs, serializeError } from "../../core/index.js";
import type { ComputeLogSettings, StorageConfig } from "../../instance/index.js";
import type { PlanStep } from "../../plan/index.js";
import type { RunState } from "../run-state.js";
import type { StepOutcome } from "../step/step-events.js";

/** What the parent tells a step process: enough to rebuild the run's plan and find its step. */
export interface StepProcessInput {
  module: string;
  storage: StorageConfig;
  home: string | undefined;
  runId: string;
  stepKey: string;
  runConfig: unknown;
  nodes: readonly string[];
  checks: readonly string[];
  partitionKeys: readonly string[] | undefined;
  runTags: Readonly<Record<string, string>>;
  /** The parent instance's `computeLogs:` settings, so the step's output is kept where the parent's would be. */
  computeLogs?: ComputeLogSettings | undefined;
  /**
   * The lease the run's holder holds: every write of the step carries it, so that once the holder lost it (stopped,
   * cut off, killed past it) the step's writes are refused and its values never reach an IO manager. `clockOffsetMs`
   * is the holder's clock less this machine's at the time, so that the lease is judged by the holder's clock.
   */
  fence?: { lease: string; holder: string; clockOffsetMs: number } | undefined;
}

/** What a step process reports on its last line of output. */
export interface StepProcessReport {
  status: "success" | "failure";
  materialized: string[];
  dataVersions: Record<string, string>;
  error?: { name: string; message: string };
}

export const REPORT_PREFIX = "@@tessera-step-report ";

/** What another process needs to rebuild a run's plan and find one step in it (without where the instance is). */
export function stepInputOf(
  target: { module: string; nodes: readonly number[]; checks: readonly number[] },
  run: RunState,
  step: PlanStep,
): Omit<StepProcessInput, "storage" | "home"> {
  const fence = run.writer.fence?.();
  return {
    ...(fence ? { fence: { lease: fence.lease, holder: fence.holder, clockOffsetMs: fence.now - Date.now() } } : {}),
    module: target.module,
    runId: run.runId,
    stepKey: step.key,
    runConfig: run.runConfig,
    nodes: target.nodes.map((n) => run.graph.ids[n] as string),
    checks: target.checks.map((c) => run.graph.checks[c]?.id as string),
    partitionKeys: run.partitionKeys,
    runTags: run.runTags,
  };
}
const PROCESS_ARGS = ownModuleProcessArgs("execution/multiprocess/step-process");

export function spawnStep(target: { module: string; storage: StorageConfig; home: string | undefined; nodes: readonly number[]; checks: readonly number[] }) {
  return (run: RunState, step: PlanStep): Promise<StepOutcome> => {
    const computeLogs = run.instance.settings.computeLogs;
    const input: StepProcessInput = { ...stepInputOf(target, run, step), storage: target.storage, home: target.home, ...(computeLogs ? { computeLogs } : {}) };
    return new Promise((resolve) => {
      const child = spawn(process.execPath, PROCESS_ARGS, {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, TESSERA_STEP_INPUT: JSON.stringify(input) },
      });
      let stdout = "";
      let stderr = "";
      let forwarded = 0;
      // What the step printed reaches this process's terminal, as an in-process step's does (the step's own process
      // keeps it as compute logs); the report line is ours, not the step's, and stays here.
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        const end = stdout.lastIndexOf("\n") + 1;
        if (end <= forwarded) return;
        const lines = stdout.slice(forwarded, end).split("\n").filter((l, i, all) => i < all.length - 1 && !l.startsWith(REPORT_PREFIX));
        forwarded = end;
        if (lines.length > 0) process.stdout.write(`${lines.join("\n")}\n`);
      });
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
        process.stderr.write(chunk);
      });
      const crashed = (why: string): void => {
        const error = new Error(`The process of step "${step.key}" ${why}${stderr.trim() ? `: ${stderr.trim().split("\n").slice(-5).join(" | ")}` : ""}`);
        error.name = "StepProcessCrash";
        run.writer.emit({ runId: run.runId, stepKey: step.key, timestamp: run.clock.now(), eventType: "STEP_FAILURE", message: error.message, error: serializeError(error) });
        resolve({ status: "failure", error });
      };
      child.on("error", (error) => crashed(`could not start (${error.message})`));
      child.on("close", (code, signal) => {
        const line = stdout.split("\n").find((l) => l.startsWith(REPORT_PREFIX));
        if (!line) return crashed(signal ? `was killed by ${signal}` : `exited with code ${code} without reporting`);
        resolve(applyStepReport(run, step, JSON.parse(line.slice(REPORT_PREFIX.length)) as StepProcessReport));
      });
    });
  };
}

/** Fills the run's state from the report of a step run in another process (a child, or a queue worker). */
export function applyStepReport(run: RunState, step: PlanStep, report: StepProcessReport): StepOutcome {
  for (const id of report.materialized) {
    const node = run.graph.indexOf(id);
    if (node !== undefined) run.materialized[node] = 1;
  }
  for (const [id, version] of Object.entries(report.dataVersions)) {
    const node = run.graph.indexOf(id);
    if (node !== undefined) run.dataVersions.set(node, version);
  }
  if (report.status === "success") return { status: "success" };
  const error = new Error(report.error?.message ?? `step "${step.key}" failed`);
  error.name = report.error?.name ?? "Error";
  return { status: "failure", error };
}
