// `tessera partitions list/add/delete`: the keys of a partitioned asset (any definition), and of dynamic partitions
// definitions, whose keys the instance keeps.
import type { Command } from "commander";
import { AssetKey } from "../../core/index.js";
import { DynamicPartitionsSnapshot, type PartitionsDefinition } from "../../partitions/index.js";
import type { Instance } from "../../instance/index.js";
import { codeLocationPaths, loadCodeLocation } from "../load-code-location.js";
import { commandDescription } from "../command-descriptions.js";
import type { Cli } from "../cli.js";
import { confirm } from "../confirm.js";
import { CliUsageError } from "../errors.js";
import { listNames, plural } from "../format.js";
import { printJson, type PartitionsJson } from "../json-output.js";

const EXAMPLES = `
Examples:
  $ tessera partitions list daily_revenue -m examples/quickstart/defs.ts
  $ tessera partitions list customers
  $ tessera partitions add customers acme globex
  $ tessera partitions delete customers globex --yes

<name> is an asset key (its partitions, whatever its definition) or the name of a DynamicPartitionsDefinition({ name }).
Assets are looked up in the code location (-m, or locations in tessera.yaml).`;

/** Keys `partitions list` prints without --limit: a daily asset over years has thousands. */
const TEXT_LIMIT = 200;

function wholeNumber(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CliUsageError(`${flag} must be a whole number of at least ${min}, got "${value}".`);
  return n;
}

export function registerPartitionsCommands(program: Command, cli: Cli): void {
  const partitions = program.command("partitions").description(commandDescription("partitions")).addHelpText("after", EXAMPLES);
  partitions
    .command("list")
    .description("List the partition keys of an asset, or of a dynamic partitions definition")
    .argument("<name>", "an asset key, or a dynamic partitions definition's name")
    .option("-m, --module <file>", "code location defining the asset (default: locations in tessera.yaml)")
    .option("--limit <n>", `at most this many keys (default: all with --json, else ${TEXT_LIMIT})`)
    .option("--offset <n>", "skip this many keys first (with --limit: the next page)", "0")
    .option("--json", "print the keys as one JSON document (see docs/cli-json.md)")
    .addHelpText("after", EXAMPLES)
    .action(async (name: string, options: { json?: boolean; module?: string; limit?: string; offset: string }, command: Command) => {
      const offset = wholeNumber("--offset", options.offset, 0);
      const limit = options.limit === undefined ? (options.json ? Number.POSITIVE_INFINITY : TEXT_LIMIT) : wholeNumber("--limit", options.limit, 1);
      const paged = options.limit !== undefined || offset > 0;
      await cli.withInstance(command, async (instance) => {
        const asset = await findAssetPartitions(cli, instance, name, options.module);
        let keys: readonly string[];
        if (asset) {
          const store = await DynamicPartitionsSnapshot.load(instance, [asset.partitionsDef]);
          keys = asset.partitionsDef.getPartitionKeys({ dynamicPartitionsStore: store });
        } else {
          keys = await instance.getDynamicPartitions(name);
        }
        const page = keys.slice(offset, offset + limit);
        if (options.json) return printJson(cli, { name, keys: [...page], ...(paged ? { total: keys.length } : {}) } satisfies PartitionsJson);
        if (keys.length === 0) {
          cli.print(asset ? `Asset "${name}" has no partitions yet (${asset.partitionsDef.toString()}).` : `No partitions of "${name}" yet. Add some: tessera partitions add ${name} <key>...`);
          return;
        }
        for (const key of page) cli.print(key);
        const after = keys.length - offset - page.length;
        if (after > 0) cli.print(cli.style.dim(`… ${after.toLocaleString("en")} more of ${keys.length.toLocaleString("en")} keys (up to ${keys[keys.length - 1]}): pass --offset ${offset + page.length} for the next ones, or --limit.`));
      });
    });
  partitions
    .command("add")
    .description("Add keys to a dynamic partitions definition, or to the one of a dynamically partitioned asset (keys already there are kept)")
    .argument("<name>", "a dynamic partitions definition's name, or the key of an asset partitioned by one")
    .argument("<keys...>", "the partition keys to add")
    .option("-m, --module <file>", "code location defining the asset (default: locations in tessera.yaml)")
    .addHelpText("after", EXAMPLES)
    .action(async (name: string, keys: string[], options: { module?: string }, command: Command) => {
      await cli.withInstance(command, async (instance) => {
        const asset = await findAssetPartitions(cli, instance, name, options.module);
        let definitionName = name;
        if (asset) {
          const def = asset.partitionsDef;
          if (def.kind !== "dynamic" || !("name" in def) || typeof def.name !== "string") {
            throw new CliUsageError(
              `Asset "${name}" is partitioned by ${def.toString()}, whose keys come from its definition: only a DynamicPartitionsDefinition takes keys added at run time. ` +
                `See its keys with tessera partitions list ${name}.`,
            );
          }
          definitionName = def.name;
        }
        await instance.addDynamicPartitions(definitionName, keys);
        cli.print(`Added ${plural(keys.length, "partition")} to "${definitionName}": ${listNames(keys, 10)}.`);
      });
    });
  partitions
    .command("delete")
    .description("Delete keys of a dynamic partitions definition (their materializations stay recorded)")
    .argument("<name>", "the definition's name")
    .argument("<keys...>", "the partition keys to delete")
    .option("-y, --yes", "do not ask for confirmation")
    .addHelpText("after", EXAMPLES)
    .action(async (name: string, keys: string[], options: { yes?: boolean }, command: Command) => {
      await cli.withInstance(command, async (instance) => {
        const existing = new Set(await instance.getDynamicPartitions(name));
        const unknown = keys.filter((k) => !existing.has(k));
        if (unknown.length) throw new CliUsageError(`"${name}" has no partition${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")}; see them with tessera partitions list ${name}.`);
        if (!options.yes && !(await confirm(cli, `Delete ${plural(keys.length, "partition")} of "${name}" (${listNames(keys, 10)})?`))) {
          cli.print("Not deleted.");
          cli.exitCode = 1;
          return;
        }
        for (const key of keys) await instance.deleteDynamicPartition(name, key);
        cli.print(`Deleted ${plural(keys.length, "partition")} of "${name}".`);
      });
    });
}

/** The partitions of the asset keyed `name` in the code locations, if there is one; an unpartitioned asset is an error. */
async function findAssetPartitions(cli: Cli, instance: Instance, name: string, module: string | undefined): Promise<{ partitionsDef: PartitionsDefinition } | undefined> {
  let key: AssetKey;
  try {
    key = AssetKey.from(name);
  } catch {
    return undefined;
  }
  for (const path of codeLocationPaths(module, instance.settings, false)) {
    const { defs } = await loadCodeLocation(path, cli.cwd);
    const spec = defs.getAssetSpec(key);
    if (!spec) continue;
    if (!spec.partitionsDef) throw new CliUsageError(`Asset "${name}" is not partitioned: it has no partition keys to list or add.`);
    return { partitionsDef: spec.partitionsDef };
  }
  return undefined;
}
