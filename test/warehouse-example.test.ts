// The warehouse example, run by the command its README gives (in process): CSV files into DuckDB, SQL assets, a
// check, and a Python report through pipes, one day at a time.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DuckDBResource } from "@tessera/core/duckdb";
import { tesseraInProcess } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "tessera-warehouse-"));
const home = join(dir, "home");
const out = join(dir, "out");
const previous = process.env.WAREHOUSE_DIR;
process.env.WAREHOUSE_DIR = out;
afterAll(() => {
  if (previous === undefined) delete process.env.WAREHOUSE_DIR;
  else process.env.WAREHOUSE_DIR = previous;
  rmSync(dir, { recursive: true, force: true });
});

const ROOT = join(import.meta.dirname, "..");
const DEFS = join(ROOT, "examples", "warehouse", "defs.ts");
const materializeDay = (day: string) => tesseraInProcess(["materialize", "-m", DEFS, "--select", "*", "--partition", day], home);

describe("examples/warehouse (npm run example:warehouse)", () => {
  it("loads each day's CSV into DuckDB, transforms it with SQL, checks it and writes the Python report", async () => {
    const first = await materializeDay("2024-01-02");
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("totals_are_positive");
    const db = new DuckDBResource({ database: join(out, "warehouse.duckdb") });
    expect(await db.query("SELECT customer, total FROM customer_totals ORDER BY customer")).toEqual([
      { customer: "bob", total: 20 },
      { customer: "cy", total: 4.25 },
    ]);
    expect(readFileSync(join(out, "report-2024-01-02.md"), "utf8")).toBe("# Sales on 2024-01-02\n\n- bob: 20.00\n- cy: 4.25\n");

    // Another day joins the tables without touching the first; running a day again replaces only its rows.
    expect((await materializeDay("2024-01-01")).code).toBe(0);
    expect((await materializeDay("2024-01-02")).code).toBe(0);
    expect(await db.query("SELECT strftime(day, '%Y-%m-%d') AS day, orders::INTEGER AS orders, customers::INTEGER AS customers, revenue FROM daily_summary ORDER BY day")).toEqual([
      { day: "2024-01-01", orders: 3, customers: 2, revenue: 22.5 },
      { day: "2024-01-02", orders: 2, customers: 2, revenue: 24.25 },
    ]);
    expect(await db.query("SELECT count(*)::INTEGER AS n FROM raw_sales")).toEqual([{ n: 5 }]);
    expect(existsSync(join(out, "report-2024-01-01.md"))).toBe(true);
  });

  it("runs with the one command the README gives, `npm run example:warehouse`, as a user would type it", async () => {
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).toContain("`npm run example:warehouse`");
    const runDir = join(dir, "npm");
    // The instance and the warehouse go to a temporary directory instead of the repository's .tessera/.
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile("npm", ["run", "example:warehouse"], { cwd: ROOT, env: { ...process.env, TESSERA_HOME: join(runDir, "home"), WAREHOUSE_DIR: join(runDir, "out") } }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
      );
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("totals_are_positive");
    expect(readFileSync(join(runDir, "out", "report-2024-01-02.md"), "utf8")).toBe("# Sales on 2024-01-02\n\n- bob: 20.00\n- cy: 4.25\n");
    const db = new DuckDBResource({ database: join(runDir, "out", "warehouse.duckdb") });
    expect(await db.query("SELECT CAST(count(*) AS INTEGER) AS n FROM raw_sales")).toEqual([{ n: 2 }]);
  }, 120_000);
});
