// `tessera instance migrate` on an instance of an older schema, and `tessera job execute --config`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { Instance } from "@tessera/core";
import { SQLITE_MIGRATIONS } from "../src/storage/sqlite/migrations.js";
import { SqliteStorage } from "../src/storage/sqlite/sqlite-storage.js";
import { tesseraInProcess as tessera } from "./support/cli.js";

const QUICKSTART = "examples/quickstart/defs.ts";


const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tessera-cli-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Turns an instance of the latest schema into one of the previous version: drops what the last migration created. */
function downgradeByOneSchemaVersion(path: string): void {
  const previousPath = join(tempDir(), "previous.db");
  new SqliteStorage(previousPath, { migrations: SQLITE_MIGRATIONS.slice(0, -1) }).close();
  const objects = (db: BetterSqlite3.Database): Map<string, string> =>
    new Map((db.prepare("SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").all() as { name: string; type: string }[]).map((r) => [r.name, r.type]));
  const previous = new BetterSqlite3(previousPath);
  const kept = objects(previous);
  previous.close();
  const db = new BetterSqlite3(path);
  for (const [name, type] of objects(db)) if (!kept.has(name) && type === "table") db.exec(`DROP TABLE "${name}"`);
  db.prepare("UPDATE tessera_meta SET value = ? WHERE key = 'schema_version'").run(String(SQLITE_MIGRATIONS.length - 1));
  db.close();
}

describe("tessera instance migrate", () => {
  it("upgrades an instance of the previous schema, keeping its runs, after other commands asked for it", async () => {
    const home = tempDir();
    const latest = SQLITE_MIGRATIONS.length;
    const path = join(home, "tessera.db");
    const current = new SqliteStorage(path);
    await current.addRun({ runId: "run-before-upgrade", jobName: "__asset_job", status: "SUCCESS", tags: {}, assetSelection: ["orders"], runConfig: {}, createTime: 1 });
    await current.close();
    downgradeByOneSchemaVersion(path);

    const refused = await tessera(["run", "list"], home);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: .*tessera\.db.*Run `tessera instance migrate` to upgrade it/s);

    const info = await tessera(["instance", "info"], home);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(new RegExp(`schema +version ${latest - 1} \\(latest ${latest}\\) — run \`tessera .*instance migrate\``));

    const migrated = await tessera(["instance", "migrate"], home);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(new RegExp(`Migrated the instance at .*tessera\\.db from schema version ${latest - 1} to ${latest}\\.`));

    const listed = await tessera(["run", "list"], home);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("run-before-upgrade");
    expect((await tessera(["instance", "migrate"], home)).stdout).toMatch(new RegExp(`already at schema version ${latest}; nothing to do`));
  });
});

describe("tessera job execute --config", () => {
  it("runs the job with the given run config instead of the job's own, recording it on the run", async () => {
    const home = tempDir();
    const configFile = join(home, "run.yaml");
    writeFileSync(
      configFile,
      `ops:\n  daily_revenue:\n    config:\n      currency: USD\nresources:\n  reports:\n    config:\n      outputDir: ${JSON.stringify(home)}\n`,
    );
    const result = await tessera(["job", "execute", "finance_report", "-m", QUICKSTART, "--config", configFile], home);
    expect(result.code).toBe(0);
    const instance = Instance.fromHome({ home });
    const [run] = await instance.getRuns();
    await instance.close();
    expect(run?.jobName).toBe("finance_report");
    expect(run?.runConfig).toMatchObject({ ops: { daily_revenue: { config: { currency: "USD" } } } });
    expect(readFileSync(join(home, "daily_revenue.md"), "utf8")).toMatch(/USD/);
  });

  it("refuses a config value failing its schema with the config path, before any run is recorded", async () => {
    const home = tempDir();
    const bad = await tessera(["job", "execute", "finance_report", "-m", QUICKSTART, "--config", `{"ops": {"daily_revenue": {"config": {"minOrderAmount": -1}}}}`], home);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/at ops\.daily_revenue\.config\.minOrderAmount: /);
    const instance = Instance.fromHome({ home });
    expect(await instance.getRuns()).toEqual([]);
    await instance.close();
  });
});
