import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AssetCheckSpec, DailyPartitionsDefinition, Instance, asset, materialize } from "@tessera/core";
import { PipesProcessError, PipesProtocolError, PipesStartError, pipes, pythonHelperPath, withPipes } from "@tessera/core/pipes";

const dir = mkdtempSync(join(tmpdir(), "tessera-pipes-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const pythonEnv = { PYTHONPATH: dirname(pythonHelperPath) };

describe("ctx.pipes.run", () => {
  it("records what a Python program reports: metadata, data version, a check, log lines, and the partition it was given", async () => {
    const program = script(
      "report.py",
      `from tessera_pipes import open_tessera_pipes
with open_tessera_pipes() as pipes:
    pipes.log.info("computing " + pipes.partition_key + " with " + str(pipes.extras["factor"]))
    pipes.report_asset_materialization(metadata={"rows": 42, "window_start": pipes.partition_time_window["start"]}, data_version="v-" + pipes.partition_key)
    pipes.report_asset_check(check_name="not_empty", passed=True, metadata={"rows": 42})
`,
    );
    const report = asset(
      {
        name: "report",
        partitionsDef: new DailyPartitionsDefinition({ startDate: "2024-01-01" }),
        checkSpecs: [new AssetCheckSpec("not_empty", { asset: "report" })],
      },
      withPipes(async (ctx) => ctx.pipes.run("python3", { args: [program], env: pythonEnv, extras: { factor: 3 } })),
    );
    const instance = Instance.ephemeral();
    const result = await materialize([report], { instance, partitionKey: "2024-01-05" });
    const [event] = result.getAssetMaterializationEvents();
    expect(event?.metadata?.rows).toEqual({ type: "int", value: 42 });
    expect(event?.metadata?.window_start).toEqual({ type: "text", value: "2024-01-05T00:00:00.000Z" });
    expect(event?.tags?.["tessera/data_version"]).toBe("v-2024-01-05");
    const [check] = result.getAssetCheckEvaluations();
    expect(check).toMatchObject({ checkName: "not_empty", passed: true });
    const logs = await instance.allLogs(result.runId);
    expect(logs.some((e) => e.message?.includes("computing 2024-01-05 with 3"))).toBe(true);
    await instance.close();
  });

  it("is on every compute's context, without a wrapper, as API.md names it", async () => {
    const program = script(
      "plain.py",
      `from tessera_pipes import open_tessera_pipes
with open_tessera_pipes() as pipes:
    pipes.report_asset_materialization(metadata={"rows": 7})
`,
    );
    const plain = asset({ name: "plain" }, async (ctx) => ctx.pipes.run("python3", { args: [program], env: pythonEnv }));
    const instance = Instance.ephemeral();
    const result = await materialize([plain], { instance });
    expect(result.success).toBe(true);
    expect(result.getAssetMaterializationEvents()[0]?.metadata?.rows).toEqual({ type: "int", value: 7 });
    await instance.close();
  });

  it("relays the program's log lines while it runs, not only when it exits", async () => {
    // The program waits for a file that the step's logger creates only on hearing its first line: it can end only if
    // that line was read while it ran.
    const go = join(dir, "go");
    const program = script(
      "waits.py",
      `import os, time
from tessera_pipes import open_tessera_pipes
with open_tessera_pipes() as pipes:
    pipes.log.info("waiting for go")
    deadline = time.time() + 60
    while not os.path.exists(${JSON.stringify(go)}):
        if time.time() > deadline:
            raise SystemExit("never heard back")
        time.sleep(0.01)
    pipes.report_asset_materialization(metadata={"heard": True})
`,
    );
    const heard: string[] = [];
    const waits = asset("waits", (ctx) => {
      const listening = Object.create(ctx, {
        log: {
          value: {
            ...ctx.log,
            info: (message: string) => {
              heard.push(message);
              if (message === "waiting for go") writeFileSync(go, "");
            },
          },
        },
      }) as typeof ctx;
      return pipes(listening).run("python3", { args: [program], env: pythonEnv });
    });
    const result = await materialize([waits]);
    expect(heard).toEqual(["waiting for go"]);
    expect(result.getAssetMaterializationEvents()[0]?.metadata?.heard).toEqual({ type: "bool", value: true });
  });

  it("stops a program at its first line that is no message", async () => {
    // Without being stopped it would sleep past the test's timeout.
    const program = script("garbles.py", 'import os, time\nwith open(os.environ["TESSERA_PIPES_MESSAGES"], "a") as f:\n    f.write("{not json\\n")\ntime.sleep(600)\n');
    const garbles = asset("garbles", (ctx) => pipes(ctx).run("python3", { args: [program] }));
    const error = await materialize([garbles]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipesProtocolError);
    expect(String(error)).toContain("line 1, which is not JSON");
  });

  it("fails the step with the end of the program's stderr when it crashes", async () => {
    const program = script("crash.py", `import sys\nprint("reading input", file=sys.stderr)\nraise ValueError("bad row 17")\n`);
    const crash = asset("crash", (ctx) => pipes(ctx).run("python3", { args: [program] }));
    const error = await materialize([crash]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipesProcessError);
    expect((error as PipesProcessError).exitCode).toBe(1);
    expect(String(error)).toMatch(/asset "crash" exited with code 1/);
    expect((error as PipesProcessError).stderrTail).toMatch(/reading input[\s\S]*ValueError: bad row 17$/);
  });

  it("fails the step when a shell program exits non-zero, and when it writes a line that is no message", async () => {
    const exits = asset("exits", (ctx) => pipes(ctx).run("sh", { args: ["-c", "echo nope >&2; exit 3"] }));
    const exitError = await materialize([exits]).catch((e: unknown) => e);
    expect(exitError).toBeInstanceOf(PipesProcessError);
    expect(String(exitError)).toContain("exited with code 3");
    expect((exitError as PipesProcessError).stderrTail).toBe("nope");
    const garbled = asset("garbled", (ctx) => pipes(ctx).run("sh", { args: ["-c", 'echo "{not json" >> "$TESSERA_PIPES_MESSAGES"'] }));
    expect(await materialize([garbled]).catch((e: unknown) => e)).toBeInstanceOf(PipesProtocolError);
  });

  it("names the asset and the command when the program cannot start", async () => {
    const missing = asset("missing_program", (ctx) => pipes(ctx).run("no-such-program-tessera"));
    const error = await materialize([missing]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipesStartError);
    expect(String(error)).toMatch(/"no-such-program-tessera" run for asset "missing_program" could not start/);
  });

  it("runs a Node program that reports through the TypeScript helper", async () => {
    const helper = join(dirname(pythonHelperPath), "pipes-program.ts");
    const program = script(
      "report.mts",
      `import { openTesseraPipes } from ${JSON.stringify(helper)};
const pipes = openTesseraPipes();
pipes.reportAssetMaterialization({ metadata: { from: pipes.assetKey }, dataVersion: "n1" });
pipes.close();
`,
    );
    const fromNode = asset("from_node", (ctx) => pipes(ctx).run(process.execPath, { args: ["--import", "tsx", program], cwd: process.cwd() }));
    const result = await materialize([fromNode]);
    expect(result.getAssetMaterializationEvents()[0]?.metadata?.from).toEqual({ type: "text", value: "from_node" });
  });
});
