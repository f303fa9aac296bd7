// Several processes writing one SQLite instance at once: WAL and the busy timeout mean no "database is locked"
// (the failure of the reference's issue #2884), and nothing written is lost.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Instance } from "@tessera/core";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const home = mkdtempSync(join(tmpdir(), "tessera-multiprocess-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function writer(id: number, runs: number, batches: number, batchSize: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test/support/sqlite-writer.ts"), home, String(id), String(runs), String(batches), String(batchSize)], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("an SQLite instance written by 4 processes at once", () => {
  it("records every run and every event of every writer, with no lock errors", async () => {
    // Create the database first, as a user's first command would.
    await Instance.fromHome({ home }).close();
    const results = await Promise.all([0, 1, 2, 3].map((id) => writer(id, 5, 20, 50)));
    for (const result of results) {
      expect(result.stderr).not.toMatch(/locked|SQLITE_BUSY/i);
      expect(result.code).toBe(0);
    }
    const instance = Instance.fromHome({ home });
    const runs = await instance.getRuns();
    expect(runs).toHaveLength(20);
    expect(runs.every((r) => r.status === "SUCCESS")).toBe(true);
    for (const run of runs) expect(await instance.allLogs(run.runId)).toHaveLength(2 + 20 * 50);
    expect((await instance.getAssetKeys({ prefix: "writer" })).length).toBe(40);
    const info = await instance.info();
    expect(info.events).toBe(20 * (2 + 20 * 50));
    await instance.close();
  }, 120_000);
});
