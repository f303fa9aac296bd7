// Each integration is its own entry point: importing the package's root loads none of their modules (nor their
// drivers), and each entry point loads on its own. Checked in a fresh process, by the list of modules it resolved.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "tessera-entry-points-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let logs = 0;

/** The modules a fresh Node process resolves while importing `specifier`, and the names the module exports. */
function load(specifier: string): { modules: string[]; exports: string[] } {
  const log = join(dir, `modules-${logs++}.txt`);
  const script = `const m = await import(${JSON.stringify(specifier)}); process.stdout.write(JSON.stringify(Object.keys(m)));`;
  const stdout = execFileSync(process.execPath, ["--import", "tsx", "--import", join(ROOT, "test/support/record-modules.mjs"), "--input-type=module", "-e", script], {
    cwd: ROOT,
    env: { ...process.env, TESSERA_MODULE_LOG: log },
    encoding: "utf8",
  });
  return { modules: readFileSync(log, "utf8").split("\n").filter(Boolean), exports: JSON.parse(stdout) as string[] };
}

const INTEGRATION_MODULES = /\/src\/integrations\/|\/src\/execution\/pipes\/|\/node_modules\/(@duckdb|apache-arrow|pg|pg-pool)\//;

describe("entry points", () => {
  it("loads nothing of the DuckDB, PostgreSQL and pipes integrations (nor their drivers) when the package's root is imported", () => {
    const { modules, exports } = load("@tessera/core");
    expect(exports).toContain("materialize");
    // The process did resolve the package's own modules, so an integration's would have been seen.
    expect(modules.some((m) => m.includes("/src/definitions/"))).toBe(true);
    expect(modules.filter((m) => INTEGRATION_MODULES.test(m))).toEqual([]);
  });

  it.each([
    ["@tessera/core/duckdb", "/src/integrations/duckdb/", ["DuckDBResource", "duckdbIOManager", "DuckDBFileLockedError", "TableNotFoundError"]],
    ["@tessera/core/postgres", "/src/integrations/postgres/", ["PostgresResource", "postgresIOManager", "TableNotFoundError"]],
    ["@tessera/core/pipes", "/src/integrations/pipes/", ["pipes", "withPipes", "openTesseraPipes", "pythonHelperPath", "PipesProcessError"]],
  ])("loads %s on its own, and its driver only when a database opens", (specifier, folder, names) => {
    const { modules, exports } = load(specifier);
    expect(exports).toEqual(expect.arrayContaining(names));
    expect(modules.some((m) => m.includes(folder))).toBe(true);
    expect(modules.filter((m) => /\/node_modules\/(@duckdb|apache-arrow|pg|pg-pool)\//.test(m))).toEqual([]);
  });

  it.each([
    ["@tessera/core/duckdb", "@duckdb/node-api", 'const { DuckDBResource } = m; await new DuckDBResource({ database: ":memory:" }).query("SELECT 1");'],
    ["@tessera/core/postgres", "pg", 'const { PostgresResource } = m; await new PostgresResource({ url: "postgres://nobody@127.0.0.1:1/none" }).query("SELECT 1");'],
  ])("loads %s without its driver (%s) installed, and using it names the install command", (specifier, driver, use) => {
    // The driver made unresolvable, as in a project that did not install it.
    const hide = join(dir, `hide-${driver.replace(/\W/g, "_")}.cjs`);
    writeFileSync(
      hide,
      `const Module = require("node:module");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === ${JSON.stringify(driver)}) throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: "MODULE_NOT_FOUND" });
  return resolve.call(this, request, ...rest);
};`,
    );
    const script = `const m = await import(${JSON.stringify(specifier)}); try { ${use} console.log("no error"); } catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })); }`;
    const out = execFileSync(process.execPath, ["--require", hide, "--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" });
    const error = JSON.parse(out.trim().split("\n").pop() as string) as { name: string; code: string; message: string };
    expect(error.name).toBe("MissingPackageError");
    expect(error.code).toBe("MISSING_PACKAGE");
    expect(error.message).toContain(`needs the package "${driver}", which is not installed. Install it in your project: npm install ${driver}@`);
  });
});
