#!/usr/bin/env node
// The `tessera` command. tsx is registered first so that Tessera's sources and the user's
// TypeScript code locations load directly, with no build step. Both hooks are needed: a .ts
// module in a package without "type": "module" is loaded through the CommonJS loader.
import { register as registerEsm } from "tsx/esm/api";
import { register as registerCjs } from "tsx/cjs/api";

registerEsm();
registerCjs();
const { main } = await import("../src/cli/main.ts");
const code = await main(process.argv);
// Exit once stdout has drained: a code location may leave handles open (pools, timers) that
// would otherwise keep the process alive after the command is done.
process.stdout.write("", () => process.exit(code));
