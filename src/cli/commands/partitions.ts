// `tessera partitions list/add/delete`: the keys of dynamic partitions definitions, kept in the instance.
import type { Command } from "commander";
import { commandDescription } from "../command-descriptions.js";
import type { Cli } from "../cli.js";
import { confirm } from "../confirm.js";
import { CliUsageError } from "../errors.js";
import { listNames, plural } from "../format.js";
import { printJson, type PartitionsJson } from "../json-output.js";

const EXAMPLES = `
Examples:
  $ tessera partitions list customers
  $ tessera partitions add customers acme globex
  $ tessera partitions delete customers globex --yes

<name> is the name of a DynamicPartitionsDefinition({ name }).`;

export function registerPartitionsCommands(program: Command, cli: Cli): void {
  const partitions = program.command("partitions").description(commandDescription("partitions")).addHelpText("after", EXAMPLES);
  partitions
    .command("list")
    .description("List the keys of a dynamic partitions definition")
    .argument("<name>", "the definition's name")
    .option("--json", "print the keys as one JSON document (see docs/cli-json.md)")
    .addHelpText("after", EXAMPLES)
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      await cli.withInstance(command, async (instance) => {
        const keys = await instance.getDynamicPartitions(name);
        if (options.json) return printJson(cli, { name, keys } satisfies PartitionsJson);
        if (keys.length === 0) cli.print(`No partitions of "${name}" yet. Add some: tessera partitions add ${name} <key>...`);
        for (const key of keys) cli.print(key);
      });
    });
  partitions
    .command("add")
    .description("Add keys to a dynamic partitions definition (keys already there are kept)")
    .argument("<name>", "the definition's name")
    .argument("<keys...>", "the partition keys to add")
    .addHelpText("after", EXAMPLES)
    .action(async (name: string, keys: string[], _options: unknown, command: Command) => {
      await cli.withInstance(command, async (instance) => {
        await instance.addDynamicPartitions(name, keys);
        cli.print(`Added ${plural(keys.length, "partition")} to "${name}": ${listNames(keys, 10)}.`);
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
