// Compute logs end to end: real `tessera materialize` processes (in-process and multiprocess executors, SQLite and
// PostgreSQL) capture each step's stdout and stderr, and `tessera run logs` shows them.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { Instance } from "@tessera/core";
import { main } from "../src/cli/main.js";
import type { RunLogsJson } from "../src/cli/commands/run-logs.js";
import { tesseraInProcess as tessera } from "./support/cli.js";
import { dropSchema, freshSchemaName, postgresForTests } from "./support/postgres.js";
import { TESSERA_BIN, TempDirs, userProject } from "./support/user-project.js";

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());
const server = await postgresForTests();

// The executor comes from the environment so that one module serves both; `waiter` writes, then waits for a file
// (TESSERA_TEST_GO) to exist before writing again: what --follow is tested with.
const DEFS = `
import { existsSync } from "node:fs";
import { Definitions, asset, inProcessExecutor, multiprocessExecutor } from "@tessera/core";
import { withPipes } from "@tessera/core/pipes";
const hello = asset("hello", () => {
  console.log("hello from hello");
  console.error("warning from hello");
  return 1;
});
const piped = asset({ name: "piped", deps: [hello] }, withPipes(async (ctx) => {
  process.stdout.write("héllo ünïcode\\n");
  return ctx.pipes.run(process.execPath, { args: ["-e", "console.log('from the child program'); console.error('child err')"] });
}));
const quiet = asset({ name: "quiet", deps: [hello] }, () => 2);
const waiter = asset("waiter", async () => {
  console.log("before");
  while (!existsSync(process.env.TESSERA_TEST_GO ?? "")) await new Promise((r) => setTimeout(r, 20));
  console.log("after");
  return 3;
});
export const defs = new Definitions({
  assets: [hello, piped, quiet, waiter],
  executor: process.env.TESSERA_TEST_EXECUTOR === "multiprocess" ? multiprocessExecutor({ maxConcurrent: 2 }) : inProcessExecutor(),
});
`;
const module = userProject(dirs, DEFS, "tessera-compute-logs-");

function materialize(home: string, select: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TESSERA_BIN, "--home", home, "materialize", "-m", module, "--select", select], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function onlyRunId(home: string): Promise<string> {
  const instance = Instance.fromHome({ home });
  try {
    const runs = await instance.getRuns({});
    expect(runs).toHaveLength(1);
    return runs[0]!.runId;
  } finally {
    await instance.close();
  }
}

async function expectLogsOfRun(home: string, runId: string): Promise<void> {
  const all = await tessera(["run", "logs", runId], home);
  expect(all.code, all.stderr).toBe(0);
  expect(all.stdout).toContain("==> hello (stdout) <==\nhello from hello\n");
  expect(all.stdout).toContain("==> piped (stdout) <==\nhéllo ünïcode\nfrom the child program\n");
  expect(all.stdout).not.toContain("quiet");
  const err = await tessera(["run", "logs", runId.slice(0, 8), "--step", "hello", "--stderr"], home);
  expect(err.stdout).toBe("warning from hello\n");
  expect((await tessera(["run", "logs", runId, "--step", "piped", "--stderr"], home)).stdout).toBe("child err\n");
  const json = JSON.parse((await tessera(["run", "logs", runId, "--json"], home)).stdout) as RunLogsJson;
  expect(json.status).toBe("SUCCESS");
  expect(json.steps.map((s) => [s.stepKey, s.data])).toEqual(
    expect.arrayContaining([
      ["hello", "hello from hello\n"],
      ["quiet", ""],
    ]),
  );
}

describe("tessera run logs, after a real tessera materialize", { timeout: 120_000 }, () => {
  it("shows what each step of an in-process run wrote, which also reached the terminal, kept in files under the home", async () => {
    const home = dirs.make("tessera-compute-logs-home-");
    const run = await materialize(home, "hello,piped,quiet");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("hello from hello");
    expect(run.stdout).toContain("from the child program");
    const runId = await onlyRunId(home);
    await expectLogsOfRun(home, runId);
    expect(readdirSync(join(home, "storage", "compute_logs", runId)).sort()).toEqual(["hello.err", "hello.out", "piped.err", "piped.out"]);
    const shown = await tessera(["run", "show", runId], home);
    expect(shown.stdout).toMatch(new RegExp(`LOGS_CAPTURED +hello .*\\(tessera run logs ${runId} --step hello\\)`));

    const unknownStep = await tessera(["run", "logs", runId, "--step", "helo"], home);
    expect(unknownStep.code).toBe(1);
    expect(unknownStep.stderr).toMatch(/Run \S+ has no step "helo"; did you mean "hello"\? Its steps: hello, .*piped/);
    const unknownRun = await tessera(["run", "logs", "0000ffff-0000-0000-0000-000000000000"], home);
    expect(unknownRun.code).toBe(1);
    expect(unknownRun.stderr).toMatch(/No run with id "0000ffff-0000-0000-0000-000000000000"/);
    const help = await tessera(["run", "logs", "--help"], home);
    expect(help.stdout).toMatch(/--step <key>[\s\S]*--stderr[\s\S]*--follow[\s\S]*--json/);
  });

  it("captures steps run in their own processes by the multiprocess executor", async () => {
    const home = dirs.make("tessera-compute-logs-home-");
    const run = await materialize(home, "hello,piped,quiet", { TESSERA_TEST_EXECUTOR: "multiprocess" });
    expect(run.code, run.stderr).toBe(0);
    // The step processes' output reaches the terminal through the run's process, without their report lines.
    expect(run.stdout).toContain("hello from hello\n");
    expect(run.stderr).toContain("warning from hello\n");
    expect(run.stdout).not.toContain("@@tessera-step-report");
    await expectLogsOfRun(home, await onlyRunId(home));
  });

  it("--follow prints output as a running step writes it and returns once the run has finished", async () => {
    const home = dirs.make("tessera-compute-logs-home-");
    const go = join(home, "go");
    const running = materialize(home, "waiter", { TESSERA_TEST_GO: go });
    // Wait for the step's first line to be kept (its run's folder holds waiter.out), then follow.
    const logs = join(home, "storage", "compute_logs");
    let runId: string | undefined;
    for (const deadline = Date.now() + 60_000; runId === undefined; ) {
      if (Date.now() > deadline) throw new Error("the run never wrote its first line");
      const [found] = existsSync(logs) ? readdirSync(logs) : [];
      if (found !== undefined && existsSync(join(logs, found, "waiter.out"))) runId = found;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const stdout = new PassThrough();
    let out = "";
    stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    const following = main(["node", "tessera", "--home", home, "run", "logs", runId, "--step", "waiter", "--follow"], { stdout, stderr: new PassThrough(), stdin: new PassThrough() });
    // Following every step instead: each step's output under a header, as tail does.
    const everyStep = new PassThrough();
    let all = "";
    everyStep.setEncoding("utf8").on("data", (c: string) => (all += c));
    const followingAll = main(["node", "tessera", "--home", home, "run", "logs", runId, "-f"], { stdout: everyStep, stderr: new PassThrough(), stdin: new PassThrough() });
    for (const deadline = Date.now() + 60_000; !out.includes("before\n") || !all.includes("before\n"); ) {
      if (Date.now() > deadline) throw new Error(`--follow never printed the first line: ${JSON.stringify(out)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(out).not.toContain("after");
    writeFileSync(go, "");
    expect(await following).toBe(0);
    expect(out).toBe("before\nafter\n");
    expect(await followingAll).toBe(0);
    expect(all).toBe("==> waiter (stdout) <==\nbefore\nafter\n");
    expect((await running).code).toBe(0);
  });
});

describe.skipIf(!server.reachable)("tessera run logs on PostgreSQL", { timeout: 120_000 }, () => {
  const schema = freshSchemaName();
  afterAll(() => dropSchema(server.url, schema));

  it("keeps the output under the home while the runs and events are on PostgreSQL", async () => {
    const home = dirs.make("tessera-compute-logs-pg-");
    writeFileSync(join(home, "tessera.yaml"), `storage:\n  postgres:\n    url: ${server.url}\n    schema: ${schema}\ncomputeLogs:\n  directory: output\n`);
    const run = await materialize(home, "hello,piped,quiet");
    expect(run.code, run.stderr).toBe(0);
    const runId = await onlyRunId(home);
    await expectLogsOfRun(home, runId);
    expect(readdirSync(join(home, "output", runId))).toContain("hello.out");
  });
});
