// Storage under faults: several processes creating one new instance at once; a corrupt database file.
import { spawn } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Instance, InstanceError, asset, materialize } from "@tessera/core";
import { SqliteStorage } from "../src/storage/index.js";
import { tesseraInProcess } from "./support/cli.js";
import { REPO_ROOT, TempDirs } from "./support/user-project.js";

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

/** Node processes that each open the instance at `home` once all of them are ready (a shared start file). */
function racer(home: string, go: string): Promise<{ code: number | null; stderr: string }> {
  const script = `
import { existsSync } from "node:fs";
import { Instance } from "@tessera/core";
while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 1));
const instance = Instance.fromHome({ home: ${JSON.stringify(home)} });
await instance.getRuns({});
await instance.close();
`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("a new SQLite instance opened by several processes at once", () => {
  it("is created once; every process opens it", { timeout: 120_000 }, async () => {
    for (let round = 0; round < 2; round++) {
      const home = join(dirs.make("tessera-race-"), "home");
      const go = join(home, "..", "go");
      const racers = Array.from({ length: 3 }, () => racer(home, go));
      // Every racer waits for the start file, so they open the instance as close together as processes can.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const { writeFileSync } = await import("node:fs");
      writeFileSync(go, "");
      const results = await Promise.all(racers);
      for (const r of results) expect(r).toEqual({ code: 0, stderr: "" });
    }
  });
});

describe("a SQLite instance with random bytes in the middle of its file", () => {
  it("is reported as corrupt, naming the file and the fix, without a stack, and nothing more is written", async () => {
    const home = dirs.make("tessera-corrupt-");
    const instance = Instance.fromHome({ home });
    for (let i = 0; i < 20; i++) await materialize([asset(`a${i}`, () => "x".repeat(1000))], { instance });
    await instance.close();
    const file = join(home, "tessera.db");
    // The pages of the runs and event tables (and their indexes): what every command reading runs touches.
    const db = new Database(file, { readonly: true });
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    const roots = (db.prepare("SELECT rootpage FROM sqlite_master WHERE tbl_name IN ('runs', 'event_logs') AND rootpage > 1").all() as { rootpage: number }[]).map((r) => r.rootpage);
    db.close();
    const fd = openSync(file, "r+");
    const junk = Buffer.alloc(pageSize);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) % 251;
    for (const page of roots) writeSync(fd, junk, 0, junk.length, (page - 1) * pageSize);
    closeSync(fd);

    const show = await tesseraInProcess(["instance", "info"], home);
    expect(show.code).toBe(1);
    expect(show.stderr).toContain(`The instance database ${file} is corrupt`);
    expect(show.stderr).toMatch(/Restore it from a backup/);
    expect(show.stderr).not.toMatch(/likely a bug|\n\s+at /);

    const again = Instance.fromHome({ home });
    try {
      const error = await again.storage.info().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(InstanceError);
      expect((error as InstanceError).code).toBe("CORRUPT_INSTANCE");
      // Once malformed, every later call is refused before it reaches the file.
      await expect(again.storage.setKv({ k: "v" })).rejects.toThrow(/is corrupt/);
    } finally {
      await again.close();
    }
  });
});

describe("a SQLite instance whose write lock another process holds past the busy timeout", () => {
  it("refuses the write with INSTANCE_LOCKED naming the holder's pid and the fix; the holder's work is kept", { timeout: 60_000 }, async () => {
    const home = dirs.make("tessera-locked-");
    const file = join(home, "tessera.db");
    const setup = Instance.fromHome({ home });
    await materialize([asset("kept", () => 1)], { instance: setup });
    await setup.close();
    // A process stopped inside a write: it holds SQLite's write lock until its stdin closes.
    const script = `
import Database from "better-sqlite3";
const db = new Database(${JSON.stringify(file)});
db.exec("BEGIN IMMEDIATE");
process.stdout.write("held\\n");
process.stdin.resume();
process.stdin.on("end", () => { db.exec("ROLLBACK"); db.close(); process.exit(0); });
`;
    const holder = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "inherit"] });
    const exited = new Promise((resolve) => holder.on("close", resolve));
    await new Promise<void>((resolve, reject) => {
      holder.stdout.setEncoding("utf8").on("data", (chunk: string) => chunk.includes("held") && resolve());
      holder.on("close", (code) => reject(new Error(`the lock holder exited (${code}) before taking the lock`)));
    });
    const instance = new Instance(new SqliteStorage(file, { busyTimeoutMs: 50 }), { home });
    try {
      const error = await materialize([asset("blocked", () => 2)], { instance }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(InstanceError);
      expect((error as InstanceError).code).toBe("INSTANCE_LOCKED");
      const message = (error as Error).message;
      expect(message).toContain(file);
      if (process.platform === "linux") expect(message).toContain(`process ${holder.pid} holds its write lock`);
      expect(message).toMatch(/kill -CONT <pid>/);
    } finally {
      holder.stdin.end();
      await exited;
    }
    // Once the holder lets go, the same instance writes, and what was recorded before is all there.
    await materialize([asset("after", () => 3)], { instance });
    expect((await instance.getLatestMaterializationEvent("kept"))?.runId).toBeTruthy();
    expect((await instance.getLatestMaterializationEvent("after"))?.runId).toBeTruthy();
    await instance.close();
  });
});
