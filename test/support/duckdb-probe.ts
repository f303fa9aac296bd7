// A process that tells whether a DuckDB file is free: for each path on a line of stdin it opens the file without
// waiting and closes it again, and answers `free <path>`, or `held <path>` when another process holds it.
import { createInterface } from "node:readline";
import { DuckDBInstance } from "@duckdb/node-api";

process.stdout.write("ready\n");
for await (const path of createInterface({ input: process.stdin })) {
  try {
    (await DuckDBInstance.create(path)).closeSync();
    process.stdout.write(`free ${path}\n`);
  } catch (error) {
    if (!/Could not set lock on file/i.test(String(error))) throw error;
    process.stdout.write(`held ${path}\n`);
  }
}
