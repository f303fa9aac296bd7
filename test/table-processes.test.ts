// Separate processes writing different partitions of one table at once, on DuckDB (one writer of a file at a time:
// each waits for the file with lockTimeoutMs) and PostgreSQL (writers of a table wait on an advisory lock); and a
// DuckDB file another process holds, which fails with a DuckDBFileLockedError naming it, or is waited for.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { asset, materialize } from "@tessera/core";
import { DuckDBFileLockedError, DuckDBResource, duckdbIOManager } from "@tessera/core/duckdb";
import { PostgresResource } from "@tessera/core/postgres";
import { dropSchema, freshSchemaName, postgresForTests } from "./support/postgres.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WRITER = join(ROOT, "test/support/table-writer.ts");
const dir = mkdtempSync(join(tmpdir(), "tessera-table-processes-"));
const server = await postgresForTests();
const pgSchema = freshSchemaName();
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (server.reachable) await dropSchema(server.url, pgSchema);
});

interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** Resolves when the child has written `line` to stdout. */
  said(line: string): Promise<void>;
  readonly exit: Promise<{ code: number | null; stderr: string }>;
}

function start(args: readonly string[]): Child {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER, ...args], { cwd: ROOT });
  let stdout = "";
  let stderr = "";
  const waiting: { line: string; resolve: () => void }[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const w of waiting.filter((w) => stdout.split("\n").includes(w.line))) w.resolve();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
  return {
    process: child,
    exit,
    said: (line) =>
      new Promise<void>((resolve, reject) => {
        if (stdout.split("\n").includes(line)) return resolve();
        waiting.push({ line, resolve });
        void exit.then(({ code, stderr }) => reject(new Error(`the child exited (${code}) before saying "${line}": ${stderr}`)));
      }),
  };
}

/** Starts one writer per partition, lets them all go at once, and waits for every one to finish. */
async function writeAtOnce(backend: "duckdb" | "postgres", target: string, partitions: readonly string[], version: number): Promise<void> {
  const go = join(dir, `go-${backend}-${version}`);
  const writers = partitions.map((partition) => start(["write", backend, target, partition, go, pgSchema, String(version)]));
  await Promise.all(writers.map((w) => w.said("ready")));
  writeFileSync(go, "");
  for (const { code, stderr } of await Promise.all(writers.map((w) => w.exit))) {
    expect(stderr).not.toMatch(/lock|conflict/i);
    expect(code).toBe(0);
  }
}

const EXPECTED = [
  { region: "p0", n: 20_000, v: 1, writers: 1 },
  { region: "p1", n: 20_000, v: 2, writers: 1 },
  { region: "p2", n: 20_000, v: 1, writers: 1 },
  { region: "p3", n: 20_000, v: 2, writers: 1 },
];
const SUMMARY = "SELECT region, CAST(count(*) AS INTEGER) AS n, CAST(max(version) AS INTEGER) AS v, CAST(count(DISTINCT pid) AS INTEGER) AS writers FROM {table} GROUP BY region ORDER BY region";

describe("DuckDB: one file, several processes", () => {
  it("three processes write different partitions of one table at once, then two more (one of them again); every partition is whole", async () => {
    const database = join(dir, "shared.duckdb");
    await writeAtOnce("duckdb", database, ["p0", "p1", "p2"], 1);
    await writeAtOnce("duckdb", database, ["p1", "p3"], 2);
    const db = new DuckDBResource({ database, lockTimeoutMs: 60_000 });
    expect(await db.query(SUMMARY.replace("{table}", "sales"))).toEqual(EXPECTED);
  }, 120_000);

  it("fails at once with DuckDBFileLockedError naming the file, the holder and the fix, and waits with lockTimeoutMs", async () => {
    const database = join(dir, "held.duckdb");
    const holder = start(["hold", "duckdb", database]);
    await holder.said("held");
    const items = asset("items", () => [{ x: 1 }]);
    const error = await materialize([items], { resources: { ioManager: duckdbIOManager({ database }) } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuckDBFileLockedError);
    expect((error as DuckDBFileLockedError).code).toBe("DUCKDB_FILE_LOCKED");
    expect(String(error)).toContain(`The DuckDB file "${database}" is locked by another process`);
    expect(String(error)).toContain(`PID ${holder.process.pid}`);
    expect(String(error)).toContain("lockTimeoutMs");

    // With a lock wait, the write goes through once the holder lets go.
    const waiting = materialize([items], { resources: { ioManager: duckdbIOManager({ database, lockTimeoutMs: 60_000 }) } });
    holder.process.stdin.write("release\n");
    expect((await waiting).success).toBe(true);
    expect((await holder.exit).code).toBe(0);
    // The write let go of the file when it ended: another process opens it without waiting (the child fails at once
    // with a DuckDBFileLockedError if this process still holds it), and so does this one.
    const counter = start(["count", "duckdb", database]);
    await counter.said(JSON.stringify([{ n: 1 }]));
    expect((await counter.exit).code).toBe(0);
    expect(await new DuckDBResource({ database, lockTimeoutMs: 60_000 }).query("SELECT CAST(count(*) AS INTEGER) AS n FROM items")).toEqual([{ n: 1 }]);
  }, 120_000);
});

describe.skipIf(!server.reachable)("PostgreSQL: one table, several processes", () => {
  it("three processes write different partitions of one new table at once, then two more (one of them again); every partition is whole", async () => {
    await writeAtOnce("postgres", server.url, ["p0", "p1", "p2"], 1);
    await writeAtOnce("postgres", server.url, ["p1", "p3"], 2);
    const pg = new PostgresResource({ url: server.url });
    expect(await pg.query(SUMMARY.replace("{table}", `${pgSchema}.sales`))).toEqual(EXPECTED);
    await pg.close();
  }, 120_000);
});
