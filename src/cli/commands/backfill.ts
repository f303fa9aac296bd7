// `tessera backfill launch/list/show/cancel`: partitions of assets, materialized run by run.
import type { Command } from "commander";
import { commandDescription } from "../command-descriptions.js";
import { backfillAssetStatuses, launchBackfill, submitBackfill } from "../../execution/index.js";
import { BackfillNotFoundError } from "../../core/index.js";
import type { Cli } from "../cli.js";
import { CliUsageError } from "../errors.js";
import { formatTime, listNames, plural, renderTable } from "../format.js";
import { codeLocationPaths, loadCodeLocation } from "../load-code-location.js";
import { parseTags, readRunConfig } from "../run-options.js";
import { resolveBackfillId } from "../resolve-id.js";
import { backfillJson, printJson } from "../json-output.js";

const LAUNCH_EXAMPLES = `
Examples:
  $ tessera backfill launch -m defs.ts --select daily_sales --from 2026-11-01 --to 2026-11-23
  $ tessera backfill launch -m defs.ts --select daily_sales --all --missing
  $ tessera backfill launch -m defs.ts --partitions emea,apac
  $ tessera backfill launch -m defs.ts --from-failure <backfill id>
  $ tessera backfill launch -m defs.ts --select daily_sales --all --queue

With --queue the backfill is recorded REQUESTED and \`tessera daemon\` runs it; the daemon also resumes a
backfill whose process died, from the partitions its runs have not done.

Runs are split by each asset's backfillPolicy: BackfillPolicy.singleRun() runs a whole range at once,
multiRun(n) n partitions per run, and without a policy each partition gets its own run.

The selection may mix partitionings (hourly and daily) and unpartitioned assets: --partitions and --from/--to
name partitions of its root assets, the others get the partitions downstream of them; --all takes every
partition of every asset. \`backfill show\` counts each asset's own partitions.`;

interface LaunchOptions {
  module?: string;
  select?: string;
  partitions?: string;
  from?: string;
  to?: string;
  all?: boolean;
  missing?: boolean;
  failed?: boolean;
  fromFailure?: string;
  config?: string;
  tags?: string;
  queue?: boolean;
}

export function registerBackfillCommands(program: Command, cli: Cli): void {
  const backfill = program.command("backfill").description(commandDescription("backfill"));
  backfill
    .command("launch")
    .description("Launch a backfill and run it here until it ends (or --queue it for tessera daemon)")
    .option("-m, --module <file>", "code location module (default: locations in tessera.yaml)")
    .option("-s, --select <selection>", "the assets to backfill, partitioned alike or not (default: all of them)")
    .option("--partitions <keys>", "comma-separated partition keys")
    .option("--from <key>", "first partition of a range (with --to)")
    .option("--to <key>", "last partition of a range (with --from)")
    .option("--all", "every partition that exists now")
    .option("--missing", "only partitions some selected asset is missing")
    .option("--failed", "only partitions whose latest attempt failed")
    .option("--from-failure <id>", "re-run the partitions that failed in this backfill (its id or a unique prefix)")
    .option("-c, --config <file|json>", "run config for every run")
    .option("--tags <json>", "tags for every run, as a JSON object of strings")
    .option("--queue", "record the backfill REQUESTED for `tessera daemon` to run, instead of running it here")
    .addHelpText("after", LAUNCH_EXAMPLES)
    .action(async (options: LaunchOptions, command: Command) => {
      cli.exitCode = await launch(cli, command, options);
    });
  backfill
    .command("list")
    .description("List backfills, newest first")
    .option("--limit <n>", "how many", "20")
    .option("--json", "print the backfills as one JSON array (see docs/cli-json.md)")
    .addHelpText("after", "\nExamples:\n  $ tessera backfill list --limit 5\n  $ tessera backfill list --json")
    .action(async (options: { limit: string; json?: boolean }, command: Command) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new CliUsageError(`--limit must be a whole number of at least 1, got "${options.limit}".`);
      await cli.withInstance(command, async (instance) => {
        const backfills = await instance.getBackfills({ limit });
        if (options.json) return printJson(cli, backfills.map(backfillJson));
        if (backfills.length === 0) return cli.print("No backfills yet. Launch one: tessera backfill launch --help");
        const rows = backfills.map((b) => [b.backfillId, b.status, formatTime(b.createTime), `${b.partitionKeys.length}`, `${b.runIds.length}`, listNames([...b.assetSelection], 3)]);
        for (const line of renderTable(["BACKFILL", "STATUS", "CREATED", "PARTITIONS", "RUNS", "ASSETS"], rows)) cli.print(line);
      });
    });
  backfill
    .command("show")
    .description("Show a backfill: its partitions, runs and outcome")
    .argument("<id>", "the backfill id, or a unique prefix of it (at least 4 characters)")
    .option("--json", "print the backfill as one JSON document (see docs/cli-json.md)")
    .addHelpText("after", "\nExamples:\n  $ tessera backfill show 1a2b3c4d\n  $ tessera backfill show 1a2b --json")
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      await cli.withInstance(command, async (instance) => {
        const b = await instance.getBackfill(await resolveBackfillId(instance, id));
        if (!b) throw new BackfillNotFoundError(id);
        if (options.json) return printJson(cli, backfillJson(b));
        cli.print(`backfill      ${b.backfillId}`);
        cli.print(`status        ${b.status}`);
        cli.print(`assets        ${b.assetSelection.join(", ")}`);
        cli.print(`partitions    ${b.partitionKeys.length}: ${listNames([...b.partitionKeys], 8)}`);
        cli.print(`materialized  ${b.materializedPartitions.length}`);
        cli.print(`failed        ${b.failedPartitions.length ? listNames([...b.failedPartitions], 8) : "none"}`);
        cli.print(`runs          ${b.runIds.length ? b.runIds.join(", ") : "none"}`);
        if (b.fromFailureOf) cli.print(`re-runs       failed partitions of ${b.fromFailureOf}`);
        if (b.error) cli.print(`error         ${b.error}`);
        // Per asset: a backfill mixing partitionings targets each asset's own partitions.
        const rows = backfillAssetStatuses(b).map((s) => [s.assetKey, s.partitioned ? `${s.numTargeted}` : "unpartitioned", `${s.numMaterialized}`, `${s.numFailed}`, `${s.numInProgress}`]);
        cli.print("");
        for (const line of renderTable(["ASSET", "TARGETED", "MATERIALIZED", "FAILED", "IN PROGRESS"], rows)) cli.print(line);
      });
    });
  backfill
    .command("cancel")
    .description("Stop a backfill before its next run")
    .argument("<id>", "the backfill id, or a unique prefix of it (at least 4 characters)")
    .addHelpText("after", "\nExamples:\n  $ tessera backfill cancel 1a2b3c4d")
    .action(async (id: string, _options: unknown, command: Command) => {
      await cli.withInstance(command, async (instance) => {
        const b = await instance.cancelBackfill(await resolveBackfillId(instance, id));
        cli.print(`Backfill ${b.backfillId} is ${b.status}.`);
      });
    });
}

async function launch(cli: Cli, command: Command, options: LaunchOptions): Promise<number> {
  const ways = [options.partitions !== undefined, options.from !== undefined || options.to !== undefined, options.all === true, options.fromFailure !== undefined].filter(Boolean).length;
  if (ways === 0 && !options.missing && !options.failed) {
    throw new CliUsageError("Say which partitions: --partitions a,b, --from a --to b, --all, --missing, --failed or --from-failure <id>.");
  }
  if (ways > 1) throw new CliUsageError("Give one of --partitions, --from/--to, --all and --from-failure.");
  if ((options.from === undefined) !== (options.to === undefined)) throw new CliUsageError("A range needs both --from and --to.");
  const runConfig = await readRunConfig(options.config, cli.cwd);
  const tags = parseTags(options.tags);
  return cli.withInstance(command, async (instance) => {
    const paths = codeLocationPaths(options.module, instance.settings, true);
    if (paths.length > 1) throw new CliUsageError(`tessera.yaml lists ${paths.length} code locations; pick one with -m <file>.`);
    const location = await loadCodeLocation(paths[0] as string, cli.cwd);
    const request = {
      instance,
      ...(options.select === undefined ? {} : { selection: options.select }),
      ...(options.partitions === undefined ? {} : { partitionKeys: options.partitions.split(",").map((k) => k.trim()).filter(Boolean) }),
      ...(options.from === undefined ? {} : { partitionRange: { start: options.from, end: options.to as string } }),
      ...(options.all ? { allPartitions: true } : {}),
      ...(options.missing ? { missingOnly: true } : {}),
      ...(options.failed ? { failedOnly: true } : {}),
      ...(options.fromFailure === undefined ? {} : { fromFailureOf: await resolveBackfillId(instance, options.fromFailure) }),
      ...(runConfig === undefined ? {} : { runConfig }),
      ...(tags ? { tags } : {}),
    };
    if (options.queue) {
      const queued = await submitBackfill(location.defs, request);
      cli.print(`Backfill ${queued.backfillId} REQUESTED: ${plural(queued.partitionKeys.length, "partition")} of ${queued.assetSelection.join(", ")}; \`tessera daemon\` runs it (follow it with \`tessera backfill show ${queued.backfillId}\`).`);
      return 0;
    }
    const backfill = await launchBackfill(location.defs, {
      ...request,
      onRun: (result, partitions, assetKeys) => {
        // A run of unpartitioned assets (in a backfill mixing partitionings) is named by its assets.
        const label = partitions.length === 0 ? `${listNames([...assetKeys], 3)} (unpartitioned)` : partitions.length === 1 ? partitions[0] : `${partitions[0]}...${partitions[partitions.length - 1]}`;
        cli.print(`${result.success ? cli.style.green("✓") : cli.style.red("✗")} ${label}  run ${result.runId}${result.success ? "" : ` (${result.run.failureReason ?? (result.run.status === "CANCELED" ? "canceled" : "failed")})`}`);
      },
    });
    cli.print(
      `Backfill ${backfill.backfillId} ${backfill.status}: ${plural(backfill.materializedPartitions.length, "partition")} materialized` +
        (backfill.failedPartitions.length ? `, ${backfill.failedPartitions.length} failed (re-run them: tessera backfill launch --from-failure ${backfill.backfillId})` : "") +
        ".",
    );
    return backfill.status === "COMPLETED" ? 0 : 1;
  });
}
