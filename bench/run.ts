// `npm run bench`: runs every benchmark in one process, in turn, and prints the figures for BENCHMARKS.md.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { report, type Measurement } from "./harness.js";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const file of files) {
  const module = (await import(join(here, file))) as { run?: () => Promise<Measurement[]> };
  if (typeof module.run !== "function") {
    console.log(`\n(${file} has no run() export; run it directly: node --import tsx bench/${file})`);
    continue;
  }
  const rows = await module.run();
  report(file.replace(".bench.ts", ""), rows);
  failed += rows.filter((r) => r.pass === false).length;
}
console.log(failed ? `\n${failed} figure(s) over target.` : "\nAll figures within target.");
