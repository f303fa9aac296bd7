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

export function registerPartitionsCommands(program: Command, cli: Cli): void {
  const partitions = program.command("partitions").description(commandDescription("partitions")).addHelpText("after", EXAMPLES);
  partitions
    .command("list")
    .description("List the partition keys of an asset, or of a dynamic partitions definition")
    .argument("<name>", "an asset key, or a dynamic partitions definition's name")
    .option("-m, --module <file>", "code location defining the asset (default: locations in tessera.yaml)")
    .option("--json", "print the keys as one JSON document (see docs/cli-json.md)")
    .addHelpText("after", EXAMPLES)
    .action(async (name: string, options: { json?: boolean; module?: string }, command: Command) => {
      await cli.withInstance(command, async (instance) => {
        const asset = await findAssetPartitions(cli, instance, name, options.module);
        if (asset) {
          const store = await DynamicPartitionsSnapshot.load(instance, [asset.partitionsDef]);
          const assetKeys = asset.partitionsDef.getPartitionKeys({ dynamicPartitionsStore: store });
          if (options.json) return printJson(cli, { name, keys: assetKeys } satisfies PartitionsJson);
          if (assetKeys.length === 0) cli.print(`Asset "${name}" has no partitions yet (${asset.partitionsDef.toString()}).`);
          for (const key of assetKeys) cli.print(key);
          return;
        }
        const keys = await instance.getDynamicPartitions(name);
        if (options.json) return printJson(cli, { name, keys } satisfies PartitionsJson);
        if (keys.length === 0) cli.print(`No partitions of "${name}" yet. Add some: tessera partitions add ${name} <key>...`);
        for (const key of keys) cli.print(key);
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
