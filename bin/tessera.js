#!/usr/bin/env node
// The `tessera` command. An installed package runs its compiled dist/; Tessera's own repository runs its sources
// when the process resolves the package through the `tessera-source` condition (its tests do) or nothing is built.
// TypeScript code locations are compiled by the command itself (src/core/typescript-hooks.mjs), only when one is;
// tsx (a devDependency) runs this repository's own sources.
import { existsSync } from "node:fs";

const SOURCE_CONDITION = "tessera-source";
const compiled = new URL("../dist/cli/main.js", import.meta.url);
const options = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
const fromSource = options.some((o) => o === `--conditions=${SOURCE_CONDITION}` || o === `-C=${SOURCE_CONDITION}`) || !existsSync(compiled);

let cli;
if (fromSource) {
  const { register } = await import("tsx/esm/api");
  register();
  cli = await import(new URL("../src/cli/main.ts", import.meta.url).href);
} else {
  cli = await import(compiled.href);
}
cli.useCommandHeapSettings();
const { main } = cli;
const code = await main(process.argv);
// Exit once stdout has drained: a code location may leave handles open (pools, timers) that
// would otherwise keep the process alive after the command is done.
process.stdout.write("", () => process.exit(code));
