// The `tessera` command under faults of its surroundings: a reader that goes away, a module that throws
// something other than an Error, a broken tessera.yaml.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Instance } from "@tessera/core";
import { tesseraInProcess } from "./support/cli.js";
import { TESSERA_BIN, TempDirs, userProject } from "./support/user-project.js";

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

describe("tessera materialize with its stdout closed early (| head -3)", () => {
  it("finishes the run quietly and records it SUCCESS", async () => {
    const home = dirs.make("tessera-epipe-home-");
    const gate = join(home, "gate");
    // `first` waits until the test has closed the pipe, so the later progress lines are certainly written to a closed pipe.
    const defs = userProject(
      dirs,
      `import { existsSync } from "node:fs";
import { Definitions, asset } from "@tessera/core";
const waitFor = (path: string) => new Promise<void>((resolve) => { const t = setInterval(() => { if (existsSync(path)) { clearInterval(t); resolve(); } }, 20); });
const first = asset("first", async () => { await waitFor(${JSON.stringify(gate)}); return 1; });
const rest = Array.from({ length: 30 }, (_, i) => asset({ name: "after_" + i, deps: [first] }, () => i));
export const defs = new Definitions({ assets: [first, ...rest] });
`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, TESSERA_HOME: home, NO_COLOR: "1" };
    const child = spawn(process.execPath, [TESSERA_BIN, "materialize", "-m", defs, "--verbose"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    // Read until the run has printed something (as head does), then close the read end.
    await new Promise<void>((resolve, reject) => {
      void exited.then((code) => reject(new Error(`tessera exited (${code}) before printing a line: ${stderr}`)));
      let seen = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        seen += chunk;
        if (seen.includes("\n")) {
          child.stdout.destroy();
          resolve();
        }
      });
    });
    writeFileSync(gate, "");
    const code = await exited;
    expect(stderr).not.toMatch(/EPIPE|unexpected failure|Error/);
    expect(code).toBe(0);
    const instance = Instance.fromHome({ home });
    try {
      const [run] = await instance.getRuns({});
      expect(run?.status).toBe("SUCCESS");
      expect(await instance.getLatestMaterializationEvent("after_29")).toBeDefined();
    } finally {
      await instance.close();
    }
    expect(existsSync(gate)).toBe(true);
  });
});

describe("tessera reporting what broke outside Tessera", () => {
  it("names a non-Error thrown while importing the code location", async () => {
    const defs = userProject(dirs, `throw { reason: "no credentials", retry: false };\n`);
    const home = dirs.make("tessera-throw-home-");
    const result = await tesseraInProcess(["asset", "list", "-m", defs], home);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/it threw a value that is not an Error \(object\): \{ reason: 'no credentials', retry: false \}/);
    expect(result.stderr).not.toMatch(/object Object|likely a bug/);
  });

  it("names the file and line of a bad value in tessera.yaml, not the run config", async () => {
    const home = dirs.make("tessera-yaml-home-");
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, "tessera.yaml"), "# settings\nrunQueue:\n  maxConcurrentRuns: many\n");
    const result = await tesseraInProcess(["instance", "info"], home);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`runQueue.maxConcurrentRuns (${join(home, "tessera.yaml")}:3:22)`);
    expect(result.stderr).toContain(`Fix the value at that line of ${join(home, "tessera.yaml")}`);
    expect(result.stderr).not.toMatch(/run config/);
  });

  it("names the file and line of a YAML syntax error", async () => {
    const home = dirs.make("tessera-yaml-syntax-home-");
    writeFileSync(join(home, "tessera.yaml"), "runQueue:\n  maxConcurrentRuns: [1\n");
    const result = await tesseraInProcess(["instance", "info"], home);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${join(home, "tessera.yaml")} is not valid YAML`);
    expect(result.stderr).toMatch(/at line \d+, column \d+/);
  });
});
