// The `tessera` command as users run it: `node bin/tessera.js ...` in a child process, on a temporary home.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Instance } from "@tessera/core";
import { tesseraInProcess, type CliResult } from "./support/cli.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "tessera.js");
const QUICKSTART = "examples/quickstart/defs.ts";

/** Runs `node bin/tessera.js ...args` with TESSERA_HOME=home; stdin is a closed pipe, stdout is not a terminal. */
function tessera(args: readonly string[], home: string): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, TESSERA_HOME: home, NO_COLOR: "1" };
  delete env.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.end();
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}


const dirs: string[] = [];
function tempDir(prefix = "tessera-cli-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A project outside the repository that depends on tessera, as a user's would, holding the given modules. */
function project(modules: Record<string, string>): string {
  const dir = tempDir("tessera-project-");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "user-project", type: "module" }));
  mkdirSync(join(dir, "node_modules"));
  mkdirSync(join(dir, "node_modules", "@tessera"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules", "@tessera", "core"), "dir");
  for (const [name, source] of Object.entries(modules)) writeFileSync(join(dir, name), source);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("tessera materialize on the quickstart, then the commands that inspect the instance", () => {
  let home: string;
  let outputDir: string;
  let materialized: CliResult;
  let runId: string;
  let assetList: CliResult;
  let runList: CliResult;
  let runShow: CliResult;
  let info: CliResult;
  let wipeUnconfirmed: CliResult;

  beforeAll(async () => {
    home = tempDir();
    outputDir = join(home, "reports");
    const configFile = join(home, "run.yaml");
    writeFileSync(configFile, `resources:\n  reports:\n    config:\n      outputDir: ${JSON.stringify(outputDir)}\n`);
    materialized = await tessera(["materialize", "-m", QUICKSTART, "--select", "*", "--config", configFile], home);
    runId = /Run ([0-9a-f-]{36}) started/.exec(materialized.stdout)?.[1] ?? "(no run id printed)";
    assetList = await tesseraInProcess(["asset", "list", "-m", QUICKSTART], home);
    runList = await tesseraInProcess(["run", "list"], home);
    runShow = await tesseraInProcess(["run", "show", runId], home);
    info = await tesseraInProcess(["instance", "info"], home);
    wipeUnconfirmed = await tesseraInProcess(["asset", "wipe", "clean_orders"], home);
  });

  it("materializes, printing one line per step event when stdout is not a terminal", () => {
    expect(materialized.stderr).toBe("");
    expect(materialized.code).toBe(0);
    expect(materialized.stdout).toContain("[raw_orders] started");
    // 9 assets in 8 steps (a multi-asset computes two), 2 steps for the ops of the graph asset, and 2 check steps.
    expect(materialized.stdout).toMatch(/\[clean_orders\] succeeded in \d+ms \(\d+\/12\)/);
    expect(materialized.stdout).toContain("[clean_orders] info: Dropped 8 of 40 rows");
    expect(materialized.stdout).toContain("[customer_orders] warn: 1 order(s) reference customers missing");
  });

  it("ends with what was materialized, key metadata and the run id", () => {
    expect(materialized.stdout).toContain(`Materialized 9 assets`);
    expect(materialized.stdout).toContain("checks: clean_orders:unique_order_ids passed, daily_revenue:every_day_has_revenue passed");
    expect(materialized.stdout).toContain(`(run ${runId})`);
    expect(materialized.stdout).toMatch(/clean_orders +rows_in: 40, rows_out: 32, dropped: 8/);
    expect(materialized.stdout).toMatch(/daily_revenue +days: 5, orders: 31, total_revenue: 2848.66, currency: EUR/);
    expect(materialized.stdout).toContain(`tessera run show ${runId}`);
  });

  it("passes the --config file to the run", () => {
    expect(readFileSync(join(outputDir, "daily_revenue.md"), "utf8")).toContain("| **Total** | **31** | | **2,848.66** |");
  });

  it("lists the defined assets with their group, staleness, latest materialization and run", () => {
    expect(assetList.code).toBe(0);
    const lines = assetList.stdout.split("\n");
    expect(lines[0]).toMatch(/^ASSET +GROUP +STATUS +LAST MATERIALIZED +RUN +METADATA$/);
    expect(lines.find((l) => l.startsWith("raw_orders "))).toMatch(new RegExp(`raw_orders +raw +FRESH +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +${runId} +rows: 40`));
    expect(lines.filter((l) => l.includes(runId))).toHaveLength(9);
    expect(lines.find((l) => l.startsWith("shop_export "))).toMatch(/shop_export +raw +FRESH +never/);
  });

  it("lists the run with its status", () => {
    expect(runList.code).toBe(0);
    expect(runList.stdout).toMatch(new RegExp(`${runId} +SUCCESS +__ASSET_JOB`));
  });

  it("shows the run's header and its event log", () => {
    expect(runShow.code).toBe(0);
    expect(runShow.stdout).toContain(`Run ${runId}`);
    expect(runShow.stdout).toMatch(/status +SUCCESS/);
    expect(runShow.stdout).toMatch(/\d\d:\d\d:\d\d\.\d{3} +STEP_START +clean_orders +Started execution/);
    expect(runShow.stdout).toMatch(/ASSET_MATERIALIZATION +clean_orders/);
    expect(runShow.stdout).toContain("rows_out: 32");
    expect(runShow.stdout).toContain("[info] Dropped 8 of 40 rows");
    expect(runShow.stdout).toMatch(/RUN_SUCCESS/);
  });

  it("shows where the instance lives, its schema version and what it holds", () => {
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(new RegExp(`home +${home}`));
    expect(info.stdout).toMatch(new RegExp(`storage +sqlite ${join(home, "tessera.db")}`));
    expect(info.stdout).toMatch(/schema +version (\d+) \(latest \1\)/);
    expect(info.stdout).toMatch(/runs +1\n/);
    expect(info.stdout).toMatch(/assets +9\n/);
  });

  it("refuses to wipe without --yes when nobody can confirm", () => {
    expect(wipeUnconfirmed.code).toBe(1);
    expect(wipeUnconfirmed.stderr).toMatch(/^error: Not confirmed: stdin is not a terminal.*Pass --yes to confirm\.\n$/);
  });

  it("wipes an asset's history with --yes", async () => {
    const wiped = await tesseraInProcess(["asset", "wipe", "clean_orders", "--yes"], home);
    expect(wiped.code).toBe(0);
    expect(wiped.stdout).toContain("Wiped 1 asset: clean_orders.");
    const instance = Instance.fromHome({ home });
    const keys = (await instance.getAssetKeys()).map(String);
    await instance.close();
    expect(keys).not.toContain("clean_orders");
    expect(keys).toContain("raw_orders");
  });
});

const modules = project({
  "no_defs.ts": `import { asset } from "@tessera/core";\nexport const orders = asset("orders", async () => 1);\n`,
  "throws.ts": `import { Definitions } from "@tessera/core";\nfunction connect(): never {\n  throw new Error("cannot reach the warehouse");\n}\nconnect();\nexport const defs = new Definitions({});\n`,
  "failing.ts": [
    `import { asset, Definitions } from "@tessera/core";`,
    `const upstream = asset("upstream", async () => 1);`,
    `const explode = asset({ name: "explode", ins: { upstream } }, async (): Promise<number> => {`,
    `  throw new Error("warehouse is down");`,
    `});`,
    `const after = asset({ name: "after", ins: { explode } }, async (_ctx, { explode }) => explode + 1);`,
    `export const defs = new Definitions({ assets: [upstream, explode, after] });`,
    ``,
  ].join("\n"),
});

// Each of these starts the real entry point; they run side by side to keep the file fast.
describe.concurrent("tessera, when something is wrong, says why and exits 1", () => {
  it("names a module that does not export defs, and how to add it", async () => {
    const result = await tessera(["materialize", "-m", join(modules, "no_defs.ts")], tempDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("does not export `defs` (it exports `orders`); add `export const defs = new Definitions(");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("shows the error and the module's own stack frames when it throws on import", async () => {
    const result = await tessera(["materialize", "-m", join(modules, "throws.ts")], tempDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Could not load code location .*throws\.ts: Error: cannot reach the warehouse\n/);
    expect(result.stderr).toMatch(/at connect \(.*throws\.ts:3:\d+\)/);
    expect(result.stderr).not.toContain("node_modules");
  });

  it("exits 1 when an asset fails, records the run as FAILURE and keeps the error's stack in the event log", async () => {
    const home = tempDir();
    const result = await tessera(["materialize", "-m", join(modules, "failing.ts")], home);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\[explode\] failed after \d+ms \(2\/3\): warehouse is down/);
    expect(result.stdout).toMatch(/\[after\] skipped \(3\/3\): upstream step "explode" failed/);
    expect(result.stdout).toMatch(/Run [0-9a-f-]{36} failed in \d+ms: 1 step failed, 1 skipped; materialized 1 of 3 assets\./);
    expect(result.stderr).toContain(`error: step "explode" failed: warehouse is down\n`);

    const instance = Instance.fromHome({ home });
    const [run] = await instance.getRuns();
    await instance.close();
    expect(run?.status).toBe("FAILURE");
    expect(result.stderr).toContain(`tessera run show ${run?.runId}`);

    const shown = await tesseraInProcess(["run", "show", run?.runId ?? ""], home);
    expect(shown.stdout).toMatch(/STEP_FAILURE +explode +Step "explode" failed: warehouse is down/);
    expect(shown.stdout).toMatch(/Error: warehouse is down\n +at .*failing\.ts:4:\d+/);
  });

  it("refuses a file that is not an instance database, leaving it unchanged", async () => {
    const home = tempDir();
    const db = join(home, "tessera.db");
    writeFileSync(db, "hello");
    const result = await tessera(["run", "list"], home);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*tessera\.db is not an SQLite database.*Nothing was changed\./);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(readFileSync(db, "utf8")).toBe("hello");
  });

  it("prints help and exits 0", async () => {
    const result = await tessera(["materialize", "--help"], tempDir());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: tessera materialize [options]");
    expect(result.stdout).toContain("$ tessera materialize -m examples/quickstart/defs.ts");
  });
});

describe("tessera, in process, on mistakes in the command line", () => {
  it("suggests the nearest key for an unknown key in --select", async () => {
    const result = await tesseraInProcess(["materialize", "-m", QUICKSTART, "--select", "daily_revenu"], tempDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: Asset "daily_revenu" in the selection is not defined. Did you mean "daily_revenue"?\n`);
  });

  it("names the config path of a bad --config value, before any run starts", async () => {
    const home = tempDir();
    const result = await tesseraInProcess(["materialize", "-m", QUICKSTART, "--config", `{"ops": {"daily_revenue": {"config": {"minOrderAmount": "lots"}}}}`], home);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Invalid config for the run:\n  at ops\.daily_revenue\.config\.minOrderAmount: /);
    expect(result.stdout).toBe("");
    const instance = Instance.fromHome({ home });
    expect(await instance.getRuns()).toEqual([]);
    await instance.close();
  });

  it("says that a --config file does not exist", async () => {
    const result = await tesseraInProcess(["materialize", "-m", QUICKSTART, "--config", "missing.yaml"], tempDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Config file missing\.yaml does not exist/);
  });

  it("says which run id is unknown to run show", async () => {
    const result = await tesseraInProcess(["run", "show", "no-such-run"], tempDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: No run with id "no-such-run" in this instance. List runs with `tessera run list`.\n');
  });

  it("suggests a run status for a misspelt --status", async () => {
    const result = await tesseraInProcess(["run", "list", "--status", "FAILED"], tempDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Unknown run status "FAILED"; did you mean FAILURE\?/);
  });

  it("asks for a code location when neither -m nor tessera.yaml names one", async () => {
    const result = await tesseraInProcess(["materialize"], tempDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: No code location given: pass -m\/--module <file\.ts>/);
  });

  it("takes the code location from tessera.yaml when -m is not given", async () => {
    const home = tempDir();
    writeFileSync(join(home, "tessera.yaml"), `locations:\n  - module: ${JSON.stringify(join(ROOT, QUICKSTART))}\n`);
    const result = await tesseraInProcess(["asset", "list"], home);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/raw_customers +raw +MISSING +never/);
    expect(result.stdout).toMatch(/clean_orders +default +MISSING +never/);
  });
});

describe("tessera job", () => {
  it("lists the jobs of a code location with the assets each materializes", async () => {
    const result = await tesseraInProcess(["job", "list", "-m", QUICKSTART], tempDir());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/finance_report +7 +shop_export, raw_customers, raw_orders, clean_orders \(\+3 more\) +Rebuild the daily revenue report/);
  });

  it("executes a job, recording the job name and its tags on the run", async () => {
    const home = tempDir();
    const result = await tesseraInProcess(["job", "execute", "finance_report", "-m", QUICKSTART, "--tags", `{"trigger": "test"}`], home);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Materialized 6 assets/);
    expect(result.stdout).toMatch(/observed: shop_export/);
    const instance = Instance.fromHome({ home });
    const [run] = await instance.getRuns();
    expect(run?.jobName).toBe("finance_report");
    expect(run?.tags).toMatchObject({ team: "finance", trigger: "test" });
    await instance.close();
  });

  it("suggests the nearest job for an unknown name", async () => {
    const result = await tesseraInProcess(["job", "execute", "finance_reprot", "-m", QUICKSTART], tempDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: No job named "finance_reprot". Did you mean "finance_report"? Jobs: finance_report.\n');
  });

  it("materializes a selection in the attribute grammar and shows where a bad one goes wrong", async () => {
    const home = tempDir();
    const good = await tesseraInProcess(["materialize", "-m", QUICKSTART, "--select", "+clean_orders"], home);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/Materialized 2 assets/);
    const bad = await tesseraInProcess(["materialize", "-m", QUICKSTART, "--select", "group:raw and ("], home);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/at column 16: found end of input, expected an attribute/);
    expect(bad.stderr).toContain("  group:raw and (\n                 ^");
  });
});

describe("tessera materialize --select status:", () => {
  const HEALTH = `
import { AssetCheckResult, AssetCheckSeverity, Definitions, asset, assetCheck, defineAssetJob } from "@tessera/core";
export const good = asset("good", () => 1);
export const flaky = asset("flaky", () => {
  if (!process.env.FLAKY_FIXED) throw new Error("the export is late");
  return 2;
});
export const never = asset("never", () => 3);
export const checked = asset("checked", () => 4);
export const rows = assetCheck({ asset: checked, name: "rows" }, () => new AssetCheckResult({ passed: false, severity: AssetCheckSeverity.WARN }));
const retryFailed = defineAssetJob({ name: "retry_failed", selection: "status:DEGRADED" });
export const defs = new Definitions({ assets: [good, flaky, never, checked], assetChecks: [rows], jobs: [retryFailed] });
`;

  it("selects by the health the instance records: a failed asset is DEGRADED, a missing one UNKNOWN, a materialized one HEALTHY", async () => {
    const dir = project({ "defs.ts": HEALTH });
    const home = tempDir();
    const module = join(dir, "defs.ts");
    const first = await tesseraInProcess(["materialize", "-m", module, "--select", "good,flaky,checked"], home);
    expect(first.code).toBe(1);
    const instance = Instance.fromHome({ home });
    const selected = async (): Promise<readonly string[] | undefined> => (await instance.getRuns({ limit: 1 }))[0]?.assetSelection;

    // A failed WARN check makes its asset WARNING; --queue records the selected assets without running them.
    const warning = await tesseraInProcess(["materialize", "-m", module, "--select", "status:warning", "--queue"], home);
    expect(warning.code).toBe(0);
    expect(await selected()).toEqual(["checked"]);

    const unknown = await tesseraInProcess(["materialize", "-m", module, "--select", "status:UNKNOWN"], home);
    expect(unknown.code).toBe(0);
    expect(unknown.stdout).toMatch(/Materialized 1 asset/);
    expect(await selected()).toEqual(["never"]);

    const healthy = await tesseraInProcess(["materialize", "-m", module, "--select", "status:HEALTHY", "--queue"], home);
    expect(healthy.code).toBe(0);
    expect([...((await selected()) ?? [])].sort()).toEqual(["good", "never"]);

    process.env.FLAKY_FIXED = "1";
    try {
      const degraded = await tesseraInProcess(["materialize", "-m", module, "--select", "status:degraded"], home);
      expect(degraded.code).toBe(0);
      expect(await selected()).toEqual(["flaky"]);
    } finally {
      delete process.env.FLAKY_FIXED;
    }
    const none = await tesseraInProcess(["materialize", "-m", module, "--select", "status:DEGRADED"], home);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/selects no assets: no asset has that status in this instance/);
    await instance.close();
  });

  it("executes a job selecting status:DEGRADED: the assets whose latest run failed, read when it runs", async () => {
    const dir = project({ "defs.ts": HEALTH });
    const home = tempDir();
    const module = join(dir, "defs.ts");
    const list = await tesseraInProcess(["job", "list", "-m", module], home);
    expect(list.stdout).toMatch(/retry_failed +- +status:DEGRADED \(when it runs\)/);
    const nothing = await tesseraInProcess(["job", "execute", "retry_failed", "-m", module], home);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/Job "retry_failed" selects no assets/);
    expect((await tesseraInProcess(["materialize", "-m", module, "--select", "good,flaky"], home)).code).toBe(1);
    process.env.FLAKY_FIXED = "1";
    try {
      const retried = await tesseraInProcess(["job", "execute", "retry_failed", "-m", module], home);
      expect(retried.code).toBe(0);
      expect(retried.stdout).toMatch(/Materialized 1 asset/);
    } finally {
      delete process.env.FLAKY_FIXED;
    }
    const instance = Instance.fromHome({ home });
    const [run] = await instance.getRuns({ limit: 1 });
    expect(run?.jobName).toBe("retry_failed");
    expect(run?.assetSelection).toEqual(["flaky"]);
    await instance.close();
  });

  it("backfills the assets with a failed partition with backfill launch --select status:DEGRADED", async () => {
    const dir = project({
      "defs.ts": `
import { DailyPartitionsDefinition, Definitions, asset } from "@tessera/core";
const daily = new DailyPartitionsDefinition({ startDate: "2026-11-01", endDate: "2026-11-04" });
export const sales = asset({ name: "sales", partitionsDef: daily }, (ctx) => {
  if (ctx.partitionKey === "2026-11-02" && !process.env.SALES_FIXED) throw new Error("export missing");
  return 1;
});
export const stock = asset({ name: "stock", partitionsDef: daily }, () => 2);
export const defs = new Definitions({ assets: [sales, stock] });
`,
    });
    const home = tempDir();
    const module = join(dir, "defs.ts");
    expect((await tesseraInProcess(["backfill", "launch", "-m", module, "--all"], home)).code).toBe(1);
    process.env.SALES_FIXED = "1";
    try {
      const retry = await tesseraInProcess(["backfill", "launch", "-m", module, "--select", "status:degraded", "--failed"], home);
      expect(retry.code).toBe(0);
      expect(retry.stdout).toMatch(/✓ 2026-11-02/);
    } finally {
      delete process.env.SALES_FIXED;
    }
    const instance = Instance.fromHome({ home });
    const [latest] = await instance.getBackfills({ limit: 1 });
    expect(latest?.assetSelection).toEqual(["sales"]);
    expect(latest?.partitionKeys).toEqual(["2026-11-02"]);
    await instance.close();
  });

  it("rejects an unknown status with its column and the values status: takes", async () => {
    const result = await tesseraInProcess(["materialize", "-m", QUICKSTART, "--select", "kind:csv and status:FAILED"], tempDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/at column 21: found .*FAILED.*, expected `HEALTHY`, `WARNING`, `DEGRADED` or `UNKNOWN`/);
  });
});

describe("tessera --help", () => {
  it.each(["", "materialize", "asset list", "asset show", "asset wipe", "job list", "job execute", "partitions list", "partitions add", "partitions delete", "backfill launch", "backfill list", "backfill show", "backfill cancel", "run list", "run show", "run cancel", "run reexecute", "schedule list", "schedule preview", "sensor list", "sensor preview", "instance info", "instance migrate"])(
    "describes `tessera %s` with examples",
    async (command) => {
      const path = command.split(" ").filter(Boolean);
      const result = await tesseraInProcess([...path, "--help"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: tessera${command ? ` ${command}` : ""} [options]`);
      expect(result.stdout).toContain("Examples:\n  $ tessera");
    },
  );

  it.each(["asset", "job", "partitions", "backfill", "schedule", "sensor", "run", "instance"])("lists the subcommands of `tessera %s`", async (command) => {
    const result = await tesseraInProcess([command, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Commands:\n/);
  });
});

describe("tessera asset show and tessera partitions", () => {
  it("shows one asset's definition, latest materialization, metadata, checks and staleness", async () => {
    const home = tempDir();
    expect((await tesseraInProcess(["materialize", "-m", QUICKSTART], home)).code).toBe(0);
    const shown = await tesseraInProcess(["asset", "show", "clean_orders", "-m", QUICKSTART], home);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^clean_orders\n/);
    expect(shown.stdout).toMatch(/upstream +raw_orders/);
    expect(shown.stdout).toMatch(/status +FRESH/);
    expect(shown.stdout).toMatch(/rows_out +32/);
    expect(shown.stdout).toMatch(/check +unique_order_ids: passed/);
    const unknown = await tesseraInProcess(["asset", "show", "clean_ordrs"], home);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Did you mean "clean_orders"\?/);
  });

  it("adds, lists and deletes dynamic partition keys, refusing invalid ones", async () => {
    const home = tempDir();
    expect((await tesseraInProcess(["partitions", "add", "customers", "acme", "globex"], home)).stdout).toMatch(/Added 2 partitions to "customers"/);
    expect((await tesseraInProcess(["partitions", "list", "customers"], home)).stdout).toBe("acme\nglobex\n");
    expect((await tesseraInProcess(["partitions", "delete", "customers", "globex", "--yes"], home)).code).toBe(0);
    expect((await tesseraInProcess(["partitions", "list", "customers"], home)).stdout).toBe("acme\n");
    const bad = await tesseraInProcess(["partitions", "add", "customers", "bad...key"], home);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Invalid partition key "bad\.\.\.key"/);
    expect((await tesseraInProcess(["partitions", "delete", "customers", "nobody", "--yes"], home)).stderr).toMatch(/has no partition "nobody"/);
  });
});

describe("tessera with partitioned assets", () => {
  const DAILY = `
import { DailyPartitionsDefinition, Definitions, asset } from "@tessera/core";
const daily = new DailyPartitionsDefinition({ startDate: "2026-11-01", endDate: "2026-11-06" });
export const dailySales = asset({ name: "daily_sales", partitionsDef: daily }, (ctx) => {
  if (ctx.partitionKey === "2026-11-04" && !process.env.FIXED) throw new Error("export of the 4th is missing");
  return ctx.partitionKey;
});
export const defs = new Definitions({ assets: [dailySales] });
`;

  it("materializes one partition, backfills the rest, shows the partition status and re-runs the failed ones", async () => {
    const dir = project({ "defs.ts": DAILY });
    const home = tempDir();
    const module = join(dir, "defs.ts");
    const one = await tesseraInProcess(["materialize", "-m", module, "--partition", "2026-11-01"], home);
    expect(one.code).toBe(0);
    const noKey = await tesseraInProcess(["materialize", "-m", module], home);
    expect(noKey.stderr).toMatch(/"daily_sales" is partitioned .*--partition/);
    const backfill = await tesseraInProcess(["backfill", "launch", "-m", module, "--missing"], home);
    expect(backfill.code).toBe(1);
    expect(backfill.stdout).toMatch(/✗ 2026-11-04 +run/);
    const id = /Backfill (\S+) COMPLETED_FAILED: 3 partitions materialized, 1 failed \(re-run them: tessera backfill launch --from-failure \1\)/.exec(backfill.stdout)?.[1];
    expect(id).toBeDefined();
    const shown = await tesseraInProcess(["asset", "show", "daily_sales", "-m", module], home);
    expect(shown.stdout).toMatch(/partitions +Daily.*: 4 materialized, 1 failed, 0 in progress, 0 missing/);
    expect(shown.stdout).toMatch(/failed +2026-11-04/);
    const list = await tesseraInProcess(["backfill", "list"], home);
    expect(list.stdout).toMatch(new RegExp(`${id} +COMPLETED_FAILED`));
    process.env.FIXED = "1";
    try {
      const retry = await tesseraInProcess(["backfill", "launch", "-m", module, "--from-failure", id as string], home);
      expect(retry.code).toBe(0);
      expect(retry.stdout).toMatch(/✓ 2026-11-04/);
    } finally {
      delete process.env.FIXED;
    }
    expect((await tesseraInProcess(["backfill", "show", "nope"], home)).stderr).toMatch(/No backfill with id "nope"/);
  });

  it("backfill launch --queue records the backfill REQUESTED without running it, and tessera daemon --once runs it", async () => {
    const dir = project({ "defs.ts": DAILY });
    const home = tempDir();
    const module = join(dir, "defs.ts");
    process.env.FIXED = "1";
    try {
      const queued = await tesseraInProcess(["backfill", "launch", "-m", module, "--from", "2026-11-01", "--to", "2026-11-02", "--queue"], home);
      expect(queued.code).toBe(0);
      const id = /Backfill (\S+) REQUESTED: 2 partitions of daily_sales; `tessera daemon` runs it/.exec(queued.stdout)?.[1];
      expect(id).toBeDefined();
      expect((await tesseraInProcess(["backfill", "list"], home)).stdout).toMatch(new RegExp(`${id} +REQUESTED .* 2 +0 +daily_sales`));
      const daemon = await tesseraInProcess(["daemon", "--once", "-m", module], home);
      expect(daemon.code).toBe(0);
      expect(daemon.stdout).toMatch(new RegExp(`backfills: starting requested backfill ${id} \\(2 of 2 partitions left\\)`));
      expect((await tesseraInProcess(["backfill", "show", id as string], home)).stdout).toMatch(/status +COMPLETED\n[\s\S]*materialized +2/);
    } finally {
      delete process.env.FIXED;
    }
  });

  it("materializes a --partition-range in one run and refuses ranges out of order and unknown partitions, naming the valid range", async () => {
    const RANGED = `
import { BackfillPolicy, DailyPartitionsDefinition, Definitions, asset } from "@tessera/core";
const daily = new DailyPartitionsDefinition({ startDate: "2026-11-01", endDate: "2026-11-06" });
export const dailySales = asset({ name: "daily_sales", partitionsDef: daily, backfillPolicy: BackfillPolicy.singleRun() }, (ctx) =>
  Object.fromEntries(ctx.partitionKeys.map((key) => [key, key])),
);
export const defs = new Definitions({ assets: [dailySales] });
`;
    const dir = project({ "defs.ts": RANGED });
    const home = tempDir();
    const module = join(dir, "defs.ts");
    const ranged = await tesseraInProcess(["materialize", "-m", module, "--partition-range", "2026-11-02...2026-11-03"], home);
    expect(ranged.code).toBe(0);
    const reversed = await tesseraInProcess(["materialize", "-m", module, "--partition-range", "2026-11-04...2026-11-01"], home);
    expect(reversed.code).toBe(1);
    expect(reversed.stderr).toMatch(/"2026-11-04"\.\.\."2026-11-01" .* is out of order: its start comes after its end\. Swap the two ends\./);
    const unknown = await tesseraInProcess(["materialize", "-m", module, "--partition", "2026-11-09"], home);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Partition key "2026-11-09" .* Valid keys run from "2026-11-01" to "2026-11-05"/);
    const backwards = await tesseraInProcess(["backfill", "launch", "-m", module, "--from", "2026-11-05", "--to", "2026-11-01"], home);
    expect(backwards.code).toBe(1);
    expect(backwards.stderr).toMatch(/out of order/);
    expect((await tesseraInProcess(["backfill", "list"], home)).stdout).toMatch(/No backfills yet/);
    const rest = await tesseraInProcess(["backfill", "launch", "-m", module, "--missing"], home);
    expect(rest.code).toBe(0);
    // The missing partitions are not contiguous: a single-run policy gives each contiguous range its own run.
    expect(rest.stdout).toMatch(/✓ 2026-11-01 +run .*\n✓ 2026-11-04\.\.\.2026-11-05 +run .*\nBackfill \S+ COMPLETED: 3 partitions materialized\./);
    const shown = await tesseraInProcess(["asset", "show", "daily_sales", "-m", module], home);
    expect(shown.stdout).toMatch(/partitions +Daily.*: 5 materialized, 0 failed, 0 in progress, 0 missing/);
  });

  it("cancels a running backfill from another tessera command: it stops before its next run", async () => {
    const CANCELING = `
import { DailyPartitionsDefinition, Definitions, asset } from "@tessera/core";
const daily = new DailyPartitionsDefinition({ startDate: "2026-11-01", endDate: "2026-11-06" });
export const dailySales = asset({ name: "daily_sales", partitionsDef: daily }, async (ctx) => {
  await (globalThis as { onBackfillRun?: (id: string) => Promise<void> }).onBackfillRun?.(ctx.runTags["tessera/backfill"] as string);
  return ctx.partitionKey;
});
export const defs = new Definitions({ assets: [dailySales] });
`;
    const dir = project({ "defs.ts": CANCELING });
    const home = tempDir();
    const hook = globalThis as { onBackfillRun?: (id: string) => Promise<void> };
    const canceled: string[] = [];
    hook.onBackfillRun = async (id) => {
      if (canceled.length > 0) return;
      const cancel = await tesseraInProcess(["backfill", "cancel", id], home);
      canceled.push(cancel.stdout);
    };
    try {
      const launched = await tesseraInProcess(["backfill", "launch", "-m", join(dir, "defs.ts"), "--all"], home);
      expect(canceled).toEqual([expect.stringMatching(/^Backfill \S+ is CANCELING\.\n$/)]);
      expect(launched.code).toBe(1);
      // Canceling the backfill cancels its run in progress too; that run had written its partition, which counts.
      expect(launched.stdout).toMatch(/✗ 2026-11-01 +run \S+ \(canceled\)\nBackfill (\S+) CANCELED: 1 partition materialized\.\n$/);
      const id = /Backfill (\S+) CANCELED/.exec(launched.stdout)?.[1] as string;
      const shown = await tesseraInProcess(["backfill", "show", id], home);
      expect(shown.stdout).toMatch(/status +CANCELED/);
      expect(shown.stdout).toMatch(/materialized +1\n/);
      expect((await tesseraInProcess(["backfill", "cancel", id], home)).stdout).toBe(`Backfill ${id} is CANCELED.\n`);
    } finally {
      delete hook.onBackfillRun;
    }
  });
});

describe("tessera run reexecute and run cancel", () => {
  const FLAKY = `
import { Definitions, asset } from "@tessera/core";
export const extract = asset("extract", () => [1, 2, 3]);
export const load = asset({ name: "load", ins: { extract } }, (_ctx, { extract }) => {
  if (!process.env.API_UP) throw new Error("warehouse API down");
  return extract.length;
});
export const defs = new Definitions({ assets: [extract, load] });
`;

  it("re-executes only what failed, as a child run, and refuses to cancel a finished run", async () => {
    const dir = project({ "defs.ts": FLAKY });
    const home = tempDir();
    const module = join(dir, "defs.ts");
    const failed = await tesseraInProcess(["materialize", "-m", module], home);
    expect(failed.code).toBe(1);
    const instance = Instance.fromHome({ home });
    const [parent] = await instance.getRuns();
    process.env.API_UP = "1";
    try {
      const again = await tesseraInProcess(["run", "reexecute", parent?.runId as string, "-m", module, "--from-failure"], home);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/\[load\] started/);
      expect(again.stdout).not.toMatch(/\[extract\] started/);
    } finally {
      delete process.env.API_UP;
    }
    const [child] = await instance.getRuns({ limit: 1 });
    expect(child?.parentRunId).toBe(parent?.runId);
    const cancel = await tesseraInProcess(["run", "cancel", child?.runId as string], home);
    expect(cancel.code).toBe(1);
    expect(cancel.stderr).toMatch(/already ended SUCCESS/);
    await instance.close();
  });
});

describe("tessera schedule and tessera sensor", () => {
  it("lists the quickstart's schedule and previews a tick without launching anything", async () => {
    const home = tempDir();
    const list = await tesseraInProcess(["schedule", "list", "-m", QUICKSTART], home);
    expect(list.stdout).toMatch(/finance_report_every_morning +0 6 \* \* \* +Europe\/Berlin +finance_report +STOPPED/);
    const preview = await tesseraInProcess(["schedule", "preview", "finance_report_every_morning", "-m", QUICKSTART, "--at", "2026-11-24T05:00:00Z"], home);
    expect(preview.stdout).toBe("Schedule finance_report_every_morning, tick 2026-11-24T05:00:00.000Z:\n  run: job finance_report\n");
    const unknown = await tesseraInProcess(["schedule", "preview", "finance_report_every_mornin", "-m", QUICKSTART], home);
    expect(unknown.stderr).toMatch(/Did you mean "finance_report_every_morning"/);
    const instance = Instance.fromHome({ home });
    expect(await instance.getRuns()).toEqual([]);
    await instance.close();
  });

  it("previews the export sensor: a run for a new file, a skip once its hash is the cursor", async () => {
    const home = tempDir();
    const first = await tesseraInProcess(["sensor", "preview", "new_shop_export", "-m", QUICKSTART], home);
    const cursor = /cursor: ([0-9a-f]{64})/.exec(first.stdout)?.[1];
    expect(first.stdout).toMatch(/run: job finance_report, run key [0-9a-f]{16}/);
    expect(cursor).toBeDefined();
    const again = await tesseraInProcess(["sensor", "preview", "new_shop_export", "-m", QUICKSTART, "--cursor", cursor as string], home);
    expect(again.stdout).toMatch(/skipped: orders.csv has not changed/);
  });
});
