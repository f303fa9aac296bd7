// docs/pipes-protocol.md is the protocol: its shell program (no helper) runs as a step's compute and is heard, every
// message it shows is one the client accepts, and every method the client accepts is documented there.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AssetCheckSpec, DailyPartitionsDefinition, Instance, asset, materialize } from "@tessera/core";
import { PipesProcessError } from "@tessera/core/pipes";
import { parseMessage } from "../src/execution/pipes/protocol.js";

const DOC = readFileSync(join(import.meta.dirname, "..", "docs", "pipes-protocol.md"), "utf8");
const dir = mkdtempSync(join(tmpdir(), "tessera-pipes-protocol-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const blocks = (language: string): string[] => [...DOC.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1] as string);

describe("docs/pipes-protocol.md", () => {
  it("its plain sh program, with no helper, reports a materialization, a data version, a check and a log line", async () => {
    const [program] = blocks("sh");
    expect(program).toBeDefined();
    const path = join(dir, "count.sh");
    writeFileSync(path, program as string);
    chmodSync(path, 0o755);
    const counted = asset(
      { name: "counted", partitionsDef: new DailyPartitionsDefinition({ startDate: "2024-01-01" }), checkSpecs: [new AssetCheckSpec("has_rows", { asset: "counted" })] },
      (ctx) => ctx.pipes.run("sh", { args: [path] }),
    );
    const instance = Instance.ephemeral();
    const result = await materialize([counted], { instance, partitionKey: "2024-01-02" });
    const [event] = result.getAssetMaterializationEvents();
    expect(event?.metadata).toMatchObject({ rows: { type: "int", value: 3 }, day: { type: "text", value: "2024-01-02" } });
    expect(event?.tags?.["tessera/data_version"]).toBe("2024-01-02-3");
    expect(result.getAssetCheckEvaluations()).toMatchObject([{ checkName: "has_rows", passed: true }]);
    expect((await instance.allLogs(result.runId)).some((e) => e.message === "counting 2024-01-02")).toBe(true);
    await instance.close();
  });

  it("shows only messages the client accepts, and documents every method it accepts", () => {
    const lines = blocks("json")
      .map((b) => b.trim())
      .filter((b) => b.startsWith('{"method"'));
    const methods = lines.map((line, i) => parseMessage("doc", i + 1, line).method);
    expect(new Set(methods)).toEqual(new Set(["log", "report_asset_materialization", "report_asset_check", "closed"]));
    // An unknown method is refused: the list above is all there is.
    expect(() => parseMessage("doc", 1, '{"method":"report_everything","params":{}}')).toThrow(/not a known method \(log, report_asset_materialization, report_asset_check, closed\)/);
    for (const method of methods) expect(DOC).toContain(`### \`${method}\``);
    for (const variable of ["TESSERA_PIPES_CONTEXT", "TESSERA_PIPES_MESSAGES"]) expect(DOC).toContain(variable);
  });

  it("fails the step when the program is killed, with the signal and the end of its stderr", async () => {
    const killed = asset("killed", (ctx) => ctx.pipes.run("sh", { args: ["-c", "echo 'about to die' >&2; kill -KILL $$"] }));
    const error = await materialize([killed]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipesProcessError);
    expect((error as PipesProcessError).signal).toBe("SIGKILL");
    expect(String(error)).toContain('The program "sh" run for asset "killed" was killed by SIGKILL');
    expect((error as PipesProcessError).stderrTail).toBe("about to die");
  });
});
