// One process of test/table-processes.test.ts. `write`: materializes one partition of the table `sales` on DuckDB or
// PostgreSQL, once the test's go file exists (so that every writer starts at once). `hold`: holds a DuckDB file open
// until a line arrives on stdin. `count`: prints the row count of a DuckDB file's table `items`, failing at once (a
// DuckDBFileLockedError) if another process holds the file.
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { StaticPartitionsDefinition, asset, materialize } from "@tessera/core";
import { DuckDBResource, duckdbIOManager } from "@tessera/core/duckdb";
import { postgresIOManager } from "@tessera/core/postgres";

const [mode, backend, target, partition, goFile, schema, version] = process.argv.slice(2) as string[];
const ROWS = 20_000;

if (mode === "hold") {
  const db = new DuckDBResource({ database: target as string });
  await db.execute("CREATE TABLE IF NOT EXISTS held (x INTEGER)");
  await db.instance();
  process.stdout.write("held\n");
  for await (const _line of createInterface({ input: process.stdin })) break;
  (await db.instance()).closeSync();
  process.exit(0);
}

if (mode === "count") {
  const rows = await new DuckDBResource({ database: target as string }).query("SELECT CAST(count(*) AS INTEGER) AS n FROM items");
  process.stdout.write(`${JSON.stringify(rows)}\n`);
  process.exit(0);
}

const regions = new StaticPartitionsDefinition(["p0", "p1", "p2", "p3"]);
const sales = asset({ name: "sales", partitionsDef: regions, metadata: { partition_expr: "region" } }, (ctx) =>
  Array.from({ length: ROWS }, (_, i) => ({ region: ctx.partitionKey, i, version: Number(version), pid: process.pid })),
);
const ioManager = backend === "duckdb" ? duckdbIOManager({ database: target as string, lockTimeoutMs: 120_000 }) : postgresIOManager({ url: target as string, schema: schema as string });
process.stdout.write("ready\n");
while (!existsSync(goFile as string)) await new Promise((resolve) => setTimeout(resolve, 5));
const result = await materialize([sales], { resources: { ioManager }, partitionKey: partition as string });
process.exit(result.success ? 0 : 1);
