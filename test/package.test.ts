// The package as users get it: `npm pack`, installed into a fresh project that is CommonJS, then ES modules. There
// the strictest TypeScript settings type-check Tessera's declarations, the `tessera` command materializes a
// TypeScript code location, and a vitest test calls materialize() — each with one copy of Tessera in the process.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, TempDirs } from "./support/user-project.js";

const dirs = new TempDirs();
// Removing the installed projects (thousands of files) outlasts the default hook timeout on a loaded machine.
afterAll(() => dirs.removeAll(), 120_000);

const VERSIONS = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

// The processes here are the user's: they resolve @tessera/core to the installed dist/, not to this repo's sources.
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === "NODE_OPTIONS" || key === "TESSERA_HOME" || key.startsWith("VITEST") || key === "TEST" || key === "NODE_ENV") continue;
    env[key] = value;
  }
  return env;
}

function run(cwd: string, command: string, args: readonly string[]): { code: number | null; output: string } {
  const result = spawnSync(command, args, { cwd, env: userEnv(), encoding: "utf8", timeout: 240_000 });
  return { code: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}` };
}

const DEFS = `import { AssetCheckResult, Definitions, asset, assetCheck } from "@tessera/core";
import { z } from "zod";

export const orders = asset({ name: "orders", config: z.object({ count: z.number().int().default(4) }) }, (ctx) =>
  Array.from({ length: ctx.config.count }, (_, i) => ({ id: i + 1, amount: 10 * (i + 1) })),
);
export const revenue = asset({ name: "revenue", ins: { orders } }, (_ctx, { orders }) => orders.reduce((sum, o) => sum + o.amount, 0));
const positive = assetCheck({ asset: revenue, name: "positive" }, (_ctx, { asset }) => new AssetCheckResult({ passed: asset > 0 }));

export const defs = new Definitions({ assets: [orders, revenue], assetChecks: [positive] });
`;

// Each step in a process of its own: the installed package's step-process entry point.
const MULTIPROCESS = `import { Definitions, asset, multiprocessExecutor } from "@tessera/core";

const a = asset("a", () => 20);
const b = asset({ name: "b", ins: { a } }, (_ctx, { a }) => a + 1);
export const defs = new Definitions({ assets: [a, b], executor: multiprocessExecutor({ maxConcurrent: 2 }) });
`;

const TEST = `import { describe, expect, it } from "vitest";
import { Instance } from "@tessera/core";
import { defs } from "./defs.js";

describe("the shop's assets", () => {
  it("materializes revenue from orders", async () => {
    const instance = Instance.ephemeral();
    const result = await defs.materialize("*", { instance });
    expect(result.success).toBe(true);
    expect(result.assetValue("revenue")).toBe(100);
    await instance.close();
  });
});
`;

// The integrations, each from its own entry point, from the installed package: DuckDB as the IO manager, pipes to a shell program.
const WAREHOUSE = `import { Definitions, asset } from "@tessera/core";
import { duckdbIOManager } from "@tessera/core/duckdb";
import { pipes, pythonHelperPath } from "@tessera/core/pipes";
import { PostgresResource, postgresIOManager } from "@tessera/core/postgres";
import { existsSync } from "node:fs";

export const unusedPostgres: [PostgresResource, ReturnType<typeof postgresIOManager>] = [new PostgresResource({ url: "postgres://nowhere/x" }), postgresIOManager({ url: "postgres://nowhere/x" })];
const orders = asset("orders", () => [{ id: 1, amount: 2.5 }, { id: 2, amount: 4 }]);
const total = asset({ name: "total", ins: { orders } }, (_ctx, { orders }) => [{ total: (orders as { amount: number }[]).reduce((s, o) => s + o.amount, 0) }]);
const external = asset("external", (ctx) => {
  if (!existsSync(pythonHelperPath)) throw new Error("tessera_pipes.py is not shipped at " + pythonHelperPath);
  return pipes(ctx).run(process.execPath, { args: ["report.cjs"] });
});
export const defs = new Definitions({ assets: [orders, total, external], resources: { ioManager: duckdbIOManager({ database: "warehouse.duckdb" }) } });
`;

// The external program: one message in the protocol's file.
const REPORT = `require("node:fs").appendFileSync(process.env.TESSERA_PIPES_MESSAGES, JSON.stringify({ method: "report_asset_materialization", params: { metadata: { from: "node" } } }) + "\\n");
`;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    noEmit: true,
    types: ["node"],
  },
  include: ["src"],
};

describe.skipIf(process.env.TESSERA_TEST_PACKAGE === "0")("the packed package in a user's project", { timeout: 300_000 }, () => {
  let project = "";
  let tarball = "";

  beforeAll(() => {
    const packDir = dirs.make("tessera-pack-");
    // prepack builds dist/ first.
    const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: REPO_ROOT, env: userEnv(), encoding: "utf8" })) as {
      filename: string;
    }[];
    tarball = join(packDir, (packed[0] as { filename: string }).filename);
    project = dirs.make("tessera-user-");
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "shop-analytics", version: "1.0.0", private: true }));
    writeFileSync(join(project, ".npmrc"), readFileSync(join(REPO_ROOT, ".npmrc"), "utf8"));
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
    mkdirSync(join(project, "src"));
    writeFileSync(join(project, "src", "defs.ts"), DEFS);
    writeFileSync(join(project, "src", "defs.test.ts"), TEST);
    writeFileSync(join(project, "src", "multiprocess.ts"), MULTIPROCESS);
    writeFileSync(join(project, "src", "warehouse.ts"), WAREHOUSE);
    writeFileSync(join(project, "report.cjs"), REPORT);
    // Installed once for both module types. Install scripts are skipped and better-sqlite3's native binding is
    // copied from this repository's build of the same version: compiling it again from source takes minutes here.
    const install = run(project, "npm", [
      "install",
      "--ignore-scripts",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      tarball,
      `zod@${VERSIONS.peerDependencies.zod}`,
      `typescript@${VERSIONS.devDependencies.typescript}`,
      `vitest@${VERSIONS.devDependencies.vitest}`,
      `@types/node@${VERSIONS.devDependencies["@types/node"]}`,
      `@duckdb/node-api@${VERSIONS.devDependencies["@duckdb/node-api"]}`,
    ]);
    expect(install.code, install.output).toBe(0);
    const binding = join("node_modules", "better-sqlite3", "build", "Release");
    mkdirSync(join(project, binding), { recursive: true });
    copyFileSync(join(REPO_ROOT, binding, "better_sqlite3.node"), join(project, binding, "better_sqlite3.node"));
  }, 300_000);

  it("ships compiled JavaScript with declarations, the command and no tests or sources", () => {
    const files = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" }).split("\n").filter(Boolean);
    expect(files).toContain("package/dist/index.js");
    expect(files).toContain("package/dist/index.d.ts");
    expect(files).toContain("package/bin/tessera.js");
    for (const name of ["duckdb", "postgres", "pipes"]) {
      expect(files).toContain(`package/dist/integrations/${name}/index.js`);
      expect(files).toContain(`package/dist/integrations/${name}/index.d.ts`);
    }
    expect(files).toContain("package/dist/integrations/pipes/tessera_pipes.py");
    // graphql-yoga ships inside the package (bundleDependencies) at the versions tested here: npm ignores a
    // library's `overrides`, and yoga's newest transitive patches need Node 22.
    expect(files).toContain("package/node_modules/graphql-yoga/package.json");
    const own = files.filter((f) => !f.startsWith("package/node_modules/"));
    expect(own.filter((f) => /\.test\.|\/src\/|\/test\/|\/bench\/|\.ci\//.test(f))).toEqual([]);
  });

  for (const type of ["commonjs", "module"] as const) {
    it(`type-checks strictly, materializes with the CLI and passes its vitest test as a ${type} project`, () => {
      const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as Record<string, unknown>;
      writeFileSync(join(project, "package.json"), JSON.stringify({ ...manifest, type }));

      const typecheck = run(project, process.execPath, [join("node_modules", "typescript", "bin", "tsc"), "-p", "."]);
      expect(typecheck.code, typecheck.output).toBe(0);

      const cli = run(project, process.execPath, [join("node_modules", ".bin", "tessera"), "materialize", "-m", "src/defs.ts", "--select", "*"]);
      expect(cli.code, cli.output).toBe(0);
      expect(cli.output).toMatch(/Materialized 2 assets/);
      expect(cli.output).toMatch(/revenue:positive passed/);
      expect(readdirSync(join(project, ".tessera"))).toContain("tessera.db");

      const tests = run(project, process.execPath, [join("node_modules", "vitest", "vitest.mjs"), "run"]);
      expect(tests.code, tests.output).toBe(0);
      expect(tests.output).toMatch(/1 passed/);
    });
  }

  it("loads none of the integrations from the package's root: no module @tessera/core imports reaches them", () => {
    const dist = join(project, "node_modules", "@tessera", "core", "dist");
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      // Import statements start a line in esbuild's output; a path only named inside a string (a template) is no file.
      for (const match of readFileSync(file, "utf8").matchAll(/^(?:import|export)\b[^;]*?["'](\.{1,2}\/[^"']+\.js)["']/gm)) {
        const target = join(file, "..", match[1] as string);
        if (existsSync(target)) visit(target);
      }
    };
    visit(join(dist, "index.js"));
    expect(seen.size).toBeGreaterThan(1);
    const reached = [...seen].filter((file) => /duckdbIOManager|DuckDBResource|PipesSession|PostgresResource/.test(readFileSync(file, "utf8")));
    expect(reached).toEqual([]);
  });

  it("materializes through the DuckDB and pipes entry points of the installed package", () => {
    const cli = run(project, process.execPath, [join("node_modules", ".bin", "tessera"), "materialize", "-m", "src/warehouse.ts", "--select", "*"]);
    expect(cli.code, cli.output).toBe(0);
    expect(cli.output).toMatch(/Materialized 3 assets/);
    expect(readdirSync(project)).toContain("warehouse.duckdb");
  });

  it("runs each step of a multiprocess-executor code location in a process of the installed package", () => {
    const cli = run(project, process.execPath, [join("node_modules", ".bin", "tessera"), "materialize", "-m", "src/multiprocess.ts", "--select", "*"]);
    expect(cli.code, cli.output).toBe(0);
    expect(cli.output).toMatch(/Materialized 2 assets/);
  });
});
