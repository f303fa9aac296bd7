// DuckDBResource's connections and its file held only while used (lockTimeoutMs), in one process: a connection the
// resource gave out is really closed when its holder closes it, and when a lease ends the file is free at once, for
// another process (asked of a probe process) and for this one.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { StaticPartitionsDefinition, asset, materialize } from "@tessera/core";
import { DuckDBResource, InvalidTableRowsError, duckdbIOManager } from "@tessera/core/duckdb";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const dir = mkdtempSync(join(tmpdir(), "tessera-duckdb-resource-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshDatabase = (): string => join(dir, `db${files++}.duckdb`);

const probe = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test/support/duckdb-probe.ts")], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
afterAll(() => probe.stdin.end());
const answers = createInterface({ input: probe.stdout })[Symbol.asyncIterator]();
const probeReady = answers.next();

/** Whether another process can open the DuckDB file right now: this process holds nothing of it. */
async function freeForOthers(database: string): Promise<boolean> {
  expect((await probeReady).value).toBe("ready");
  probe.stdin.write(`${database}\n`);
  const answer = await answers.next();
  if (answer.done) throw new Error("the probe process exited");
  expect(answer.value).toMatch(/^(free|held) /);
  return answer.value === `free ${database}`;
}

describe("DuckDBResource connections", () => {
  it.each([
    ["a file held while used (lockTimeoutMs)", { lockTimeoutMs: 2_000 }],
    ["a file held for the process", {}],
  ])("closeSync disconnects a connection on %s", async (_what, options) => {
    const db = new DuckDBResource({ database: freshDatabase(), ...options });
    const connection = await db.connect();
    await connection.run("SELECT 1");
    connection.closeSync();
    await expect(connection.run("SELECT 1")).rejects.toThrow(/connection disconnected/);
  });

  it("disconnectSync closes it too, and a second close is harmless", async () => {
    const db = new DuckDBResource({ database: freshDatabase(), lockTimeoutMs: 2_000 });
    const connection = await db.connect();
    connection.disconnectSync();
    connection.closeSync();
    await expect(connection.run("SELECT 1")).rejects.toThrow(/connection disconnected/);
    // The lease ended once: the resource still opens the file for the next use.
    expect(await db.query("SELECT 42 AS n")).toEqual([{ n: 42 }]);
  });
});

// Without the connection closed natively, the database outlived the lease and DuckDB's instance cache made the next
// open in this process wait (spinning in a libuv thread) until the garbage collector freed the old connection.
describe("DuckDB file held only while used (lockTimeoutMs), reopened in the same process", () => {
  it("reads a table back as soon as the IO manager wrote it and let go of the file", async () => {
    const database = freshDatabase();
    const items = asset("items", () => [{ x: 1 }, { x: 2 }, { x: 3 }]);
    const result = await materialize([items], { resources: { ioManager: duckdbIOManager({ database, lockTimeoutMs: 2_000 }) } });
    expect(result.success).toBe(true);
    expect(await freeForOthers(database)).toBe(true);
    const reader = new DuckDBResource({ database, lockTimeoutMs: 2_000 });
    expect(await reader.query("SELECT CAST(count(*) AS INTEGER) AS n FROM items")).toEqual([{ n: 3 }]);
  });

  it("lets go of the file after a write that fails inside its transaction", async () => {
    const database = freshDatabase();
    const io = duckdbIOManager({ database, lockTimeoutMs: 2_000 });
    const regions = new StaticPartitionsDefinition(["eu", "us"]);
    const sales = (extra: boolean) =>
      asset({ name: "sales", partitionsDef: regions, metadata: { partition_expr: "region" } }, (ctx) => [{ region: ctx.partitionKey, n: 1, ...(extra ? { late: true } : {}) }]);
    expect((await materialize([sales(false)], { resources: { ioManager: io }, partitionKey: "eu" })).success).toBe(true);
    // A column the table lacks fails after the transaction deleted the partition's rows: it is rolled back.
    await expect(materialize([sales(true)], { resources: { ioManager: io }, partitionKey: "us" })).rejects.toThrow(InvalidTableRowsError);
    expect(await freeForOthers(database)).toBe(true);
    const reader = new DuckDBResource({ database, lockTimeoutMs: 2_000 });
    expect(await reader.query("SELECT region, CAST(n AS INTEGER) AS n FROM sales")).toEqual([{ region: "eu", n: 1 }]);
  });

  it("runs a → b: b loads a from the file a's write released", async () => {
    const database = freshDatabase();
    const a = asset("a", () => [{ x: 1 }, { x: 2 }]);
    const b = asset({ name: "b", ins: { a } }, (_ctx, { a }) => (a as { x: number }[]).map((r) => ({ y: r.x * 10 })));
    const result = await materialize([a, b], { resources: { ioManager: duckdbIOManager({ database, lockTimeoutMs: 2_000 }) } });
    expect(result.success).toBe(true);
    expect(result.assetValue("b")).toEqual([{ y: 10 }, { y: 20 }]);
    expect(await freeForOthers(database)).toBe(true);
    // And once more over the same file: every lease of the first run has ended.
    const again = await materialize([a, b], { resources: { ioManager: duckdbIOManager({ database, lockTimeoutMs: 2_000 }) } });
    expect(again.assetValue("b")).toEqual([{ y: 10 }, { y: 20 }]);
  });
});
