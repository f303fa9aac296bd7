// A project and its instance, kept apart: the project file tessera.yaml at the project's root (found from any folder
// below it) names code locations relative to itself; the instance is $TESSERA_HOME, else .tessera in the project root.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, TESSERA_BIN, TempDirs } from "./support/user-project.js";

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

function project(files: Record<string, string>): string {
  const dir = dirs.make("tessera-project-");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "shop-analytics", type: "module", private: true }));
  mkdirSync(join(dir, "node_modules", "@tessera"), { recursive: true });
  symlinkSync(REPO_ROOT, join(dir, "node_modules", "@tessera", "core"), "dir");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function tessera(cwd: string, args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.TESSERA_HOME;
  const result = spawnSync(process.execPath, [TESSERA_BIN, ...args], { cwd, env, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ORDERS = `
import { asset, Definitions } from "@tessera/core";
const orders = asset("orders", () => [{ id: 1, amount: 30 }, { id: 2, amount: 12 }]);
const revenue = asset({ name: "revenue", ins: { orders } }, (_ctx, { orders }) => orders.reduce((sum, o) => sum + o.amount, 0));
export const defs = new Definitions({ assets: [orders, revenue] });
`;
const CUSTOMERS = `
import { asset, Definitions } from "@tessera/core";
export const defs = new Definitions({ assets: [asset("customers", () => ["ada", "grace"])] });
`;

describe("a project and its instance", () => {
  it("finds the project file from a folder below the root, loads its locations relative to it, and keeps the instance in the root's .tessera", () => {
    const root = project({ "tessera.yaml": "locations:\n  - module: src/defs.ts\n", "src/defs.ts": ORDERS });
    const materialized = tessera(join(root, "src"), ["materialize", "--select", "*"]);
    expect(materialized.stderr).toBe("");
    expect(materialized.code).toBe(0);
    expect(existsSync(join(root, ".tessera", "tessera.db"))).toBe(true);
    expect(existsSync(join(root, "src", ".tessera"))).toBe(false);

    const listed = tessera(join(root, "src"), ["run", "list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/SUCCESS/);
  });

  it("says there is no instance, and creates none, when a command that only reads finds nothing recorded", () => {
    const root = project({ "src/defs.ts": ORDERS });
    const listed = tessera(root, ["run", "list"]);
    expect(listed.code).not.toBe(0);
    expect(listed.stderr).toMatch(/No Tessera instance at .*\.tessera/);
    expect(listed.stderr).toMatch(/tessera materialize/);
    expect(existsSync(join(root, ".tessera"))).toBe(false);
  });

  it("shows definitions with nothing recorded, and creates no instance, for read-only commands that show definitions", () => {
    const root = project({ "src/defs.ts": ORDERS });
    const assets = tessera(root, ["asset", "list", "-m", "src/defs.ts", "--json"]);
    expect(assets.stderr).toBe("");
    expect(assets.code).toBe(0);
    expect(JSON.parse(assets.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ key: "orders" })]));
    for (const args of [["daemon", "status"], ["job", "list", "-m", "src/defs.ts"], ["sensor", "list", "-m", "src/defs.ts"], ["schedule", "list", "-m", "src/defs.ts"]]) {
      const result = tessera(root, args);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: "" });
    }
    const info = tessera(root, ["instance", "info"]);
    expect(info.code).toBe(1);
    expect(info.stderr).toMatch(/No Tessera instance at .*\.tessera/);
    expect(existsSync(join(root, ".tessera"))).toBe(false);
  });

  it("materializes the assets of several code locations given with repeated -m, one run each", () => {
    const root = project({ "src/sales.ts": ORDERS, "src/crm.ts": CUSTOMERS });
    const materialized = tessera(root, ["materialize", "-m", "src/sales.ts", "-m", "src/crm.ts", "--select", "*"]);
    expect(materialized.stderr).toBe("");
    expect(materialized.code).toBe(0);
    expect(materialized.stdout.match(/Materialized/g)).toHaveLength(2);
    const only = tessera(root, ["materialize", "-m", "src/sales.ts", "-m", "src/crm.ts", "--select", "customers"]);
    expect(only.code).toBe(0);
    expect(only.stdout.match(/Materialized/g)).toHaveLength(1);
    // Keys of two locations in one selection: each location runs its own.
    const both = tessera(root, ["materialize", "-m", "src/sales.ts", "-m", "src/crm.ts", "--select", "orders,customers"]);
    expect(both.stderr).toBe("");
    expect(both.code).toBe(0);
    expect(both.stdout.match(/Materialized/g)).toHaveLength(2);
    // A key that no location defines is still an error naming it.
    const typo = tessera(root, ["materialize", "-m", "src/sales.ts", "-m", "src/crm.ts", "--select", "orders,customerz"]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/"customerz".*not defined.*Did you mean "customers"/);
  });
});
