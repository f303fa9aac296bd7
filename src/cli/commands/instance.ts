// `tessera instance info` and `tessera instance migrate`: where the instance lives and its schema.
import { existsSync } from "node:fs";
import { commandDescription } from "../command-descriptions.js";
import { join } from "node:path";
import type { Command } from "commander";
import { SETTINGS_FILE, type Instance } from "../../instance/index.js";
import { tesseraCommand, type Cli } from "../cli.js";
import { printJson, type InstanceInfoJson } from "../json-output.js";

const INFO_EXAMPLES = `
Examples:
  $ tessera instance info
  $ TESSERA_HOME=/srv/tessera tessera instance info
  $ tessera instance info --json`;

const MIGRATE_EXAMPLES = `
Examples:
  $ tessera instance migrate

Back up the database file first if you may need to go back to an older Tessera.`;

export function registerInstanceCommands(program: Command, cli: Cli): void {
  const instance = program.command("instance").description(commandDescription("instance"));
  instance
    .command("info")
    .description("Show where the instance lives, its schema version and what it holds")
    .option("--json", "print the information as one JSON document (see docs/cli-json.md)")
    .addHelpText("after", INFO_EXAMPLES)
    .action((options: { json?: boolean }, command: Command) =>
      cli.withInstance(command, (i) => (options.json ? printInfoJson(cli, i) : printInfo(cli, command, i)), { allowOldSchema: true }),
    );
  instance
    .command("migrate")
    .description("Upgrade the instance's schema to the version this Tessera needs")
    .addHelpText("after", MIGRATE_EXAMPLES)
    .action((_options: unknown, command: Command) => cli.withInstance(command, (i) => migrate(cli, i), { allowOldSchema: true }));
}

async function printInfo(cli: Cli, command: Command, instance: Instance): Promise<void> {
  const { style } = cli;
  const home = instance.home as string;
  const settingsFile = join(home, SETTINGS_FILE);
  const schema = await instance.storage.getSchemaInfo();
  const line = (label: string, value: string): void => cli.print(`${style.dim(label.padEnd(16))}${value}`);
  line("home", home);
  line("settings", existsSync(settingsFile) ? settingsFile : `none (defaults; create ${settingsFile} to change them)`);
  line("storage", `${instance.storage.backend} ${instance.storage.location}`);
  line("values", `${join(home, "storage")} (default IO manager)`);
  const outdated = schema.version < schema.latest;
  line("schema", `version ${schema.version} (latest ${schema.latest})${outdated ? style.yellow(` — run \`${tesseraCommand(command)} instance migrate\``) : ""}`);
  if (!outdated) {
    const info = await instance.info();
    line("runs", String(info.runs));
    line("events", String(info.events));
    line("assets", String(info.assets));
  }
  const locations = instance.settings.locations ?? [];
  line("code locations", locations.length ? locations.map((l) => l.module).join(", ") : "none in tessera.yaml (pass -m <file.ts> to commands)");
}

async function printInfoJson(cli: Cli, instance: Instance): Promise<void> {
  const home = instance.home as string;
  const settingsFile = join(home, SETTINGS_FILE);
  const schema = await instance.storage.getSchemaInfo();
  const upToDate = schema.version >= schema.latest;
  const info = upToDate ? await instance.info() : undefined;
  const document: InstanceInfoJson = {
    home,
    settingsFile: existsSync(settingsFile) ? settingsFile : null,
    storage: { backend: instance.storage.backend, location: instance.storage.location },
    valuesDir: join(home, "storage"),
    schema: { version: schema.version, latest: schema.latest, upToDate },
    counts: info ? { runs: info.runs, events: info.events, assets: info.assets } : null,
    codeLocations: (instance.settings.locations ?? []).map((l) => l.module),
  };
  printJson(cli, document);
}

async function migrate(cli: Cli, instance: Instance): Promise<void> {
  const { from, to } = await instance.migrate();
  cli.print(
    from === to
      ? `The instance at ${instance.storage.location} is already at schema version ${to}; nothing to do.`
      : `Migrated the instance at ${instance.storage.location} from schema version ${from} to ${to}.`,
  );
}
