// `tessera automation explain <key>`: why automation did, or did not, request an asset — its stored evaluated condition tree.
import type { Command } from "commander";
import { commandDescription } from "../command-descriptions.js";
import { AssetKey, UnknownAssetError, closestMatches } from "../../core/index.js";
import { automationConditionSensorsOf, isEvaluationTreeNode, renderEvaluationTree } from "../../automation/index.js";
import { AssetGraph } from "../../graph/index.js";
import type { AutomationEvaluationRecord } from "../../storage/index.js";
import type { Cli } from "../cli.js";
import { CliUsageError } from "../errors.js";
import { formatTime } from "../format.js";
import { codeLocationPaths, loadCodeLocation } from "../load-code-location.js";

const EXAMPLES = `
Examples:
  $ tessera automation explain daily_revenue -m defs.ts
  $ tessera automation explain raw/orders --evaluation 12
  $ tessera automation explain daily_revenue --json

Shows the latest evaluation of the asset's automation condition (or the one given with --evaluation) as
the daemon recorded it: when, by which automation condition sensor, how many partitions it requested,
and the condition tree with what each node was true for (✓) or not (✗).`;

export function registerAutomationExplainCommand(program: Command, cli: Cli): void {
  const automation = program.commands.find((c) => c.name() === "automation") ?? program.command("automation").description(commandDescription("automation"));
  automation
    .command("explain")
    .description("Show why automation did or did not request an asset: its latest evaluated condition tree")
    .argument("<key>", "the asset key (a/b)")
    .option("-m, --module <file>", "code location module (default: locations in tessera.yaml)")
    .option("--evaluation <id>", "a given evaluation id instead of the latest")
    .option("--json", "print the stored evaluation as JSON")
    .addHelpText("after", EXAMPLES)
    .action(async (keyText: string, options: { module?: string; evaluation?: string; json?: boolean }, command: Command) => {
      const key = AssetKey.from(keyText);
      const id = key.toString();
      let evaluationId: number | undefined;
      if (options.evaluation !== undefined) {
        evaluationId = Number(options.evaluation);
        if (!Number.isInteger(evaluationId) || evaluationId < 1) throw new CliUsageError(`--evaluation takes an evaluation id (a positive integer), got "${options.evaluation}".`);
      }
      await cli.withInstance(command, async (instance) => {
        // The code locations say whether the asset exists and whether it has a condition; the instance says what was evaluated.
        const defined: string[] = [];
        let hasCondition: boolean | undefined;
        let currentConditionId: string | undefined;
        // The automation condition sensors that evaluate the asset, with their default status.
        const coveredBy: { name: string; defaultStatus: string }[] = [];
        for (const path of codeLocationPaths(options.module, instance.settings, false)) {
          const defs = (await loadCodeLocation(path, cli.cwd)).defs;
          const graph = AssetGraph.of(defs);
          defined.push(...graph.ids);
          const node = graph.indexOf(key);
          const condition = node === undefined ? undefined : graph.specs[node]?.automationCondition;
          if (node !== undefined) hasCondition = (hasCondition ?? false) || condition !== undefined;
          currentConditionId ??= condition?.uniqueId;
          if (node !== undefined) for (const sensor of automationConditionSensorsOf(defs)) if (sensor.assetSelection.resolveIndices(graph).includes(node)) coveredBy.push(sensor);
        }
        const records = await instance.storage.getAutomationEvaluations(id, evaluationId === undefined ? { limit: 1 } : { evaluationId, limit: 1 });
        const record = records[0];
        if (!record) {
          const latest = evaluationId === undefined ? undefined : (await instance.storage.getAutomationEvaluations(id, { limit: 1 }))[0];
          if (hasCondition === undefined && !latest) {
            const known = [...new Set([...defined, ...(await instance.getAssetKeys()).map(String)])];
            const near = closestMatches(id, known);
            throw new UnknownAssetError(
              id,
              `Asset "${id}" is neither defined by the code location nor evaluated in this instance.` +
                (near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : defined.length ? "" : " Pass -m <file.ts> to look it up in a code location."),
              near,
            );
          }
          if (latest) {
            throw new CliUsageError(`No evaluation ${evaluationId} of "${id}" is stored; the latest is evaluation ${latest.evaluationId} (${formatTime(latest.timestamp)}).`);
          }
          if (hasCondition === false) {
            cli.print(`"${id}" has no automation condition, so automation never evaluates it. Give it one: asset({ ..., automationCondition: AutomationCondition.eager() }).`);
            return;
          }
          const stopped: string[] = [];
          for (const sensor of coveredBy) if (((await instance.storage.getInstigatorState(sensor.name))?.status ?? sensor.defaultStatus) !== "RUNNING") stopped.push(sensor.name);
          if (stopped.length > 0) {
            cli.print(`No automation evaluation of "${id}" is stored yet: ${stopped.map((n) => `sensor ${n}`).join(" and ")}, which evaluates it, is stopped. Turn it on with \`tessera sensor start ${stopped[0]}\` and run \`tessera daemon\`; each tick records its evaluation.`);
            return;
          }
          cli.print(`No automation evaluation of "${id}" is stored yet. Run the daemon (\`tessera daemon\`) with an automation condition sensor covering it running (\`tessera sensor start default_automation_condition_sensor\` for assets no sensor of yours targets); each tick records its evaluation.`);
          return;
        }
        if (options.json) {
          cli.print(JSON.stringify(record, null, 2));
          return;
        }
        printEvaluation(cli, id, record);
        // Trees are stored when they change: later ticks of the sensor evaluated the asset the same way.
        const [lastTick] = evaluationId === undefined ? await instance.storage.getTicks(record.sensorName, { limit: 1 }) : [];
        if (lastTick?.evaluationId !== undefined && lastTick.evaluationId > record.evaluationId) {
          cli.print("");
          cli.print(cli.style.dim(`Unchanged through evaluation ${lastTick.evaluationId} (${formatTime(lastTick.timestamp)}), the sensor's latest tick: trees are recorded when they change.`));
        }
        if (currentConditionId !== undefined && isEvaluationTreeNode(record.tree) && record.tree.uniqueId !== currentConditionId) {
          cli.print("");
          cli.print(cli.style.yellow(`The condition of "${id}" in the code location differs from the one evaluated then; the next tick evaluates the new one.`));
        }
      });
    });
}

function printEvaluation(cli: Cli, id: string, record: AutomationEvaluationRecord): void {
  const { style } = cli;
  cli.print(`${style.bold(id)}: evaluation ${record.evaluationId} at ${formatTime(record.timestamp)} by sensor ${record.sensorName}`);
  cli.print(record.numRequested === 0 ? "Requested nothing." : `Requested ${record.numRequested} ${record.numRequested === 1 ? (isPartitioned(record) ? "partition" : "run of it") : "partitions"}.`);
  cli.print("");
  if (!isEvaluationTreeNode(record.tree)) {
    cli.print(style.dim("(the stored tree has an unknown shape; see --json)"));
    return;
  }
  for (const line of renderEvaluationTree(record.tree).split("\n")) cli.print(line);
}

function isPartitioned(record: AutomationEvaluationRecord): boolean {
  return isEvaluationTreeNode(record.tree) && record.tree.partitioned;
}
