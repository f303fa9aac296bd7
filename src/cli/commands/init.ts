// `tessera init [dir]`: a new project with a few assets, a check, a test and the project file, ready for
// `npm install && npm test`. Writes files only; installs nothing and needs no network.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import type { Cli } from "../cli.js";
import { commandDescription } from "../command-descriptions.js";
import { CliUsageError } from "../errors.js";
import { displayPath, listNames } from "../format.js";
import { scaffoldFiles } from "./init-templates.js";

const EXAMPLES = `
Examples:
  $ tessera init my-project
  $ cd my-project && npm install && npm test
  $ npx tessera materialize --select '*'

Writes package.json, tsconfig.json, tessera.yaml (the project file), .gitignore, README.md, src/defs.ts and
src/defs.test.ts. Existing files are never overwritten; nothing is installed.`;

/**
 * The version of this Tessera: the new project depends on a range of it. Read from the package.json of
 * @tessera/core found above this module, wherever the build puts the module inside the package.
 */
function tesseraVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; version?: string };
      if (name === "@tessera/core" && version !== undefined) return version;
    }
    if (dirname(dir) === dir) throw new Error(`tessera init: no package.json of @tessera/core above ${fileURLToPath(import.meta.url)}`);
  }
}

export function registerInitCommand(program: Command, cli: Cli): void {
  program
    .command("init")
    .description(commandDescription("init"))
    .argument("[dir]", "the project's folder, created if missing", ".")
    .addHelpText("after", EXAMPLES)
    .action((dir: string) => init(cli, dir));
}

function init(cli: Cli, dir: string): void {
  const root = resolve(cli.cwd, dir);
  if (existsSync(root) && !statSync(root).isDirectory()) {
    throw new CliUsageError(`${displayPath(root, cli.cwd)} is a file, not a folder: pass a folder to create the project in.`);
  }
  const files = scaffoldFiles(basename(root), tesseraVersion());
  const existing = files.map(([path]) => join(root, path)).filter((path) => existsSync(path));
  if (existing.length > 0) {
    throw new CliUsageError(
      `Not creating a project in ${displayPath(root, cli.cwd)}: ${listNames(existing.map((p) => displayPath(p, cli.cwd)), 3)} already ${existing.length === 1 ? "exists" : "exist"}, and init never overwrites files. Choose another folder: tessera init <dir>.`,
    );
  }
  for (const [path, content] of files) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content, { flag: "wx" });
  }

  const { style } = cli;
  cli.print(`Created a Tessera project in ${root === cli.cwd ? "the current folder" : displayPath(root, cli.cwd)}:`);
  for (const [path] of files) cli.print(`  ${path}`);
  cli.print();
  cli.print("Next steps:");
  if (root !== cli.cwd) cli.print(`  ${style.bold(`cd ${shellQuote(displayPath(root, cli.cwd))}`)}`);
  cli.print(`  ${style.bold("npm install")}`);
  cli.print(`  ${style.bold("npm test")}                               ${style.dim("# type-check, then run src/defs.test.ts")}`);
  cli.print(`  ${style.bold("npx tessera materialize --select '*'")}   ${style.dim("# runs are recorded in ./.tessera")}`);
}

/** `path` as one shell word. */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
