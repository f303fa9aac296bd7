// What the end of `tessera materialize` prints: what was materialized, what failed, where to look next.
import type { AssetKey } from "../core/index.js";
import type { ExecuteResult } from "../execution/index.js";
import type { Cli } from "./cli.js";
import { formatDuration, plural, summarizeMetadata } from "./format.js";

export interface SummaryOptions {
  /** Number of assets the run was asked to materialize. */
  readonly planned: number;
  /** How to run `tessera` again against the same home, e.g. `tessera --home x`. */
  readonly command: string;
}

export function printRunSummary(cli: Cli, result: ExecuteResult, options: SummaryOptions): void {
  const { style } = cli;
  const run = result.run;
  const took = run.startTime !== undefined && run.endTime !== undefined ? ` in ${formatDuration(run.endTime - run.startTime)}` : "";
  const materialized = result.getAssetMaterializationEvents();
  const failures = result.getStepFailureEvents();
  const skipped = result.getStepSkippedEvents();

  cli.print();
  if (run.status === "CANCELED") {
    cli.print(`${style.yellow("■")} Run ${result.runId} was canceled${took}; materialized ${materialized.length} of ${plural(options.planned, "asset")}, ${skipped.length} skipped.`);
  } else if (result.success) {
    cli.print(`${style.green("✓")} Materialized ${plural(materialized.length, "asset")}${took} ${style.dim(`(run ${result.runId})`)}`);
  } else {
    const parts = [failures.length > 0 ? `${plural(failures.length, "step")} failed` : undefined, skipped.length > 0 ? `${skipped.length} skipped` : undefined].filter(Boolean);
    cli.print(
      `${style.red("✗")} Run ${result.runId} failed${took}${parts.length ? `: ${parts.join(", ")}` : ""}; materialized ${materialized.length} of ${plural(options.planned, "asset")}.`,
    );
  }
  const width = Math.max(0, ...materialized.map((e) => keyOf(e.assetKey).length));
  for (const event of materialized) {
    const key = keyOf(event.assetKey);
    cli.print(`  ${style.bold(key.padEnd(width))}  ${summarizeMetadata(event.metadata, { cwd: cli.cwd })}`.trimEnd());
  }
  const observed = result.getAssetObservationEvents();
  if (observed.length > 0) cli.print(`  ${style.dim("observed:")} ${observed.map((e) => keyOf(e.assetKey)).join(", ")}`);
  const checks = result.getAssetCheckEvaluations();
  if (checks.length > 0) {
    const verdict = (e: (typeof checks)[number]): string =>
      e.passed ? style.green("passed") : e.severity === "WARN" ? style.yellow("warned") : style.red("failed");
    cli.print(`  ${style.dim("checks:")} ${checks.map((e) => `${keyOf(e.assetKey)}:${e.checkName} ${verdict(e)}`).join(", ")}`);
  }
  if (skipped.length > 0) cli.print(`  ${style.yellow("skipped:")} ${skipped.map((e) => e.stepKey).join(", ")}`);

  const showRun = `${options.command} run show ${result.runId}`;
  if (result.success) {
    cli.print(style.dim(`Events of this run: ${showRun}`));
    return;
  }
  const err = cli.errStyle;
  if (failures.length === 0) cli.printError(`${err.red("error:")} ${run.failureReason ?? "the run failed before any step ran"}`);
  for (const failure of failures) {
    cli.printError(`${err.red("error:")} step "${failure.stepKey}" failed: ${failure.error?.message ?? failure.message ?? "unknown error"}`);
  }
  cli.printError(`The full event log, with stack traces: ${showRun}`);
}

function keyOf(key: AssetKey | undefined): string {
  return key?.toString() ?? "?";
}
