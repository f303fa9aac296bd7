// Chaos on the instance's disk: a home on a tmpfs that fills up mid-run, and a database file with corrupt pages.
// Each time: no stack or "bug" message, every run ends with a reason, nothing is stored twice, the instance opens
// again once the operator has done what the error said.
import { execFileSync, spawn } from "node:child_process";
import { closeSync, copyFileSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Instance } from "@tessera/core";
import { tesseraInProcess } from "../support/cli.js";
import { TESSERA_BIN, TempDirs, userProject } from "../support/user-project.js";
import { assertEveryRunEnded, assertNothingAfterEnd, assertStepsOnce } from "./chaos-support.js";

const dirs = new TempDirs();
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts) {
    try {
      execFileSync("umount", [m]);
    } catch {
      // already gone
    }
    rmSync(m, { recursive: true, force: true });
  }
  dirs.removeAll();
});

/** A 4 MiB tmpfs, or why none can be mounted here (not root, no CAP_SYS_ADMIN). */
function smallTmpfs(): { dir: string } | { reason: string } {
  const dir = mkdtempSync(join(tmpdir(), "tessera-chaos-tmpfs-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", dir], { stdio: "pipe" });
    mounts.push(dir);
    return { dir };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: String((error as { stderr?: Buffer }).stderr ?? error).trim() };
  }
}

const tmpfs = smallTmpfs();

const PROJECT = `
import { Definitions, asset } from "@tessera/core";
const small = asset("small", () => ({ rows: 3 }));
// Larger than the whole disk: its value cannot be stored.
const big = asset({ name: "big", deps: [small] }, () => "x".repeat(8 * 1024 * 1024));
export const defs = new Definitions({ assets: [small, big] });
`;

function materialize(home: string, module: string, select: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TESSERA_BIN, "--home", home, "materialize", "-m", module, "--select", select], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

async function assertHealthy(home: string): Promise<void> {
  const list = await tesseraInProcess(["run", "list"], home);
  expect(list.code, list.stderr).toBe(0);
  const instance = Instance.fromHome({ home });
  try {
    const runs = await instance.getRuns({});
    await assertEveryRunEnded(instance, runs);
    for (const run of runs) {
      const logs = await instance.allLogs(run.runId);
      assertNothingAfterEnd(logs);
      assertStepsOnce(logs);
    }
  } finally {
    await instance.close();
  }
}

describe("chaos: the instance's disk", () => {
  it.skipIf("reason" in tmpfs)(`a full disk (tmpfs of 4 MiB) mid-run: the run ends FAILURE with the reason, and the instance works once space is freed${"reason" in tmpfs ? ` — skipped: mount -t tmpfs failed: ${tmpfs.reason}` : ""}`, { timeout: 90_000 }, async () => {
    const home = join((tmpfs as { dir: string }).dir, "home");
    const module = userProject(dirs, PROJECT, "tessera-chaos-disk-project-");
    const first = await materialize(home, module, "small");
    expect(first.code, first.stderr).toBe(0);
    const full = await materialize(home, module, "*");
    expect(full.code).not.toBe(0);
    expect(full.stderr).not.toMatch(/likely a bug|\n\s+at /);
    // What an operator does: free the space (here, the value that could not be written, if any of it was left).
    for (const entry of readdirSync(join(home, "storage"), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.startsWith("big")) rmSync(join(entry.parentPath, entry.name), { force: true });
    }
    await assertHealthy(home);
    const instance = Instance.fromHome({ home });
    try {
      const failed = (await instance.getRuns({})).find((r) => r.status === "FAILURE");
      expect(failed?.failureReason ?? "").not.toBe("");
      const logs = await instance.allLogs(failed?.runId as string);
      const why = logs.filter((e) => e.eventType === "STEP_FAILURE" || e.eventType === "RUN_FAILURE").map((e) => e.message ?? "").join("\n");
      expect(why).toMatch(/ENOSPC|no space left|disk is full|is gone/i);
    } finally {
      await instance.close();
    }
    const again = await materialize(home, module, "small");
    expect(again.code, again.stderr).toBe(0);
    await assertHealthy(home);
  });

  it("a corrupt database file: refused with a typed error and nothing written; restored from its backup, it opens with every run ended", { timeout: 90_000 }, async () => {
    const home = dirs.make("tessera-chaos-corrupt-");
    const module = userProject(dirs, PROJECT, "tessera-chaos-corrupt-project-");
    const first = await materialize(home, module, "small");
    expect(first.code, first.stderr).toBe(0);
    const file = join(home, "tessera.db");
    const backup = join(home, "backup.db");
    await tesseraInProcess(["run", "list"], home);
    copyFileSync(file, backup);
    // Junk over every page but the header's: whatever the query, it meets a malformed page.
    const pages = Math.floor(statSync(file).size / 4096);
    const fd = openSync(file, "r+");
    const junk = Buffer.alloc(4096, 0xa5);
    for (let page = 1; page < pages; page++) writeSync(fd, junk, 0, junk.length, page * 4096);
    closeSync(fd);
    const refused = await materialize(home, module, "small");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/The instance database .*tessera\.db.* (is corrupt|is not a database|malformed)/);
    expect(refused.stderr).not.toMatch(/likely a bug|\n\s+at /);
    const info = await tesseraInProcess(["instance", "info"], home);
    expect(info.code).toBe(1);
    expect(info.stderr).toMatch(/is corrupt/);
    copyFileSync(backup, file);
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    await assertHealthy(home);
    const again = await materialize(home, module, "small");
    expect(again.code, again.stderr).toBe(0);
  });
});
