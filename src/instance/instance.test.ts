import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AssetKey, ConfigValidationError, InstanceError } from "../core/index.js";
import { Instance } from "./instance.js";

const home = (): string => mkdtempSync(join(tmpdir(), "tessera-home-"));

async function recordMaterializations(instance: Instance, key: string, count: number): Promise<string> {
  const run = await instance.createRun({ jobName: "j", tags: {}, assetSelection: [key], runConfig: {} });
  await instance.storeEvents(
    Array.from({ length: count }, (_, i) => ({ runId: run.runId, eventType: "ASSET_MATERIALIZATION" as const, timestamp: i, assetKey: AssetKey.from(key), partition: `p${i}` })),
  );
  return run.runId;
}

describe("Instance", () => {
  it("opens $TESSERA_HOME/tessera.db by default and keeps runs across opens", async () => {
    const dir = home();
    const first = Instance.fromHome({ home: dir });
    const runId = await recordMaterializations(first, "orders", 1);
    await first.close();
    const second = Instance.fromHome({ home: dir });
    expect((await second.getRunById(runId))?.runId).toBe(runId);
    expect((await second.info()).location).toBe(join(dir, "tessera.db"));
    await second.close();
  });

  it("reads the storage path from tessera.yaml, relative to the home", async () => {
    const dir = home();
    writeFileSync(join(dir, "tessera.yaml"), "storage:\n  sqlite:\n    path: data/instance.db\nlocations:\n  - module: ../defs.ts\n");
    const instance = Instance.fromHome({ home: dir });
    expect(instance.storage.location).toBe(join(dir, "data", "instance.db"));
    expect(instance.settings.locations?.[0]?.module).toBe(join(dir, "..", "defs.ts"));
    await instance.close();
  });

  it("rejects a tessera.yaml with unknown keys, naming the path", () => {
    const dir = home();
    writeFileSync(join(dir, "tessera.yaml"), "storage:\n  sqlite:\n    paht: x.db\n");
    expect(() => Instance.fromHome({ home: dir })).toThrow(ConfigValidationError);
    expect(() => Instance.fromHome({ home: dir })).toThrow(/storage/);
  });

  it("refuses a corrupt instance file, leaving it as it was", () => {
    const dir = home();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "tessera.db"), "garbage");
    expect(() => Instance.fromHome({ home: dir })).toThrow(InstanceError);
    expect(readFileSync(join(dir, "tessera.db"), "utf8")).toBe("garbage");
  });

  it("refuses a password written in tessera.yaml, naming the setting and never echoing the secret", () => {
    const dir = home();
    writeFileSync(join(dir, "tessera.yaml"), "storage:\n  postgres:\n    url: postgres://tessera:hunter2@db.example.com/prod\n");
    let error: Error | undefined;
    try {
      Instance.fromHome({ home: dir });
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error?.message).toMatch(/storage\.postgres\.url/);
    expect(error?.message).toMatch(/url: \{ env: DATABASE_URL \}/);
    expect(String(error?.message) + JSON.stringify(error)).not.toContain("hunter2");
  });

  it("accepts a PostgreSQL password only as { env }, and names a variable that is not set", () => {
    const variable = `TESSERA_TEST_UNSET_${process.pid}`;
    expect(() => Instance.open({ storage: { postgres: { host: "db", password: "hunter2" } } as never })).toThrow(
      expect.objectContaining({ code: "INVALID_STORAGE_CONFIG", message: expect.not.stringContaining("hunter2") }),
    );
    expect(() => Instance.open({ storage: { postgres: { host: "db", password: { env: variable } } } })).toThrow(
      expect.objectContaining({ code: "INVALID_STORAGE_CONFIG", message: expect.stringContaining(`environment variable ${variable}, which is not set`) }),
    );
  });

  it("opens PostgreSQL storage without connecting: its location shows server, database and schema, never the password", async () => {
    const variable = `TESSERA_TEST_URL_${process.pid}`;
    process.env[variable] = "postgres://tessera:hunter2@db.invalid:6543/warehouse";
    try {
      const instance = Instance.open({ storage: { postgres: { url: { env: variable }, schema: "analytics" } } });
      expect(instance.storage.backend).toBe("postgres");
      expect(instance.storage.location).toBe("postgres://tessera@db.invalid:6543/warehouse?schema=analytics");
      await instance.close();
    } finally {
      delete process.env[variable];
    }
  });

  it("fetches materializations a page at a time with a cursor, newest first or ascending", async () => {
    const instance = Instance.ephemeral();
    await recordMaterializations(instance, "orders", 5);
    const first = await instance.fetchMaterializations("orders", { limit: 2 });
    expect(first.records.map((r) => r.partition)).toEqual(["p4", "p3"]);
    expect(first.hasMore).toBe(true);
    const second = await instance.fetchMaterializations("orders", { limit: 2, cursor: first.cursor });
    expect(second.records.map((r) => r.partition)).toEqual(["p2", "p1"]);
    const third = await instance.fetchMaterializations("orders", { limit: 2, cursor: second.cursor });
    expect(third.records.map((r) => r.partition)).toEqual(["p0"]);
    expect(third.hasMore).toBe(false);
    const ascending = await instance.fetchMaterializations({ assetKey: "orders", partitions: ["p1", "p3"] }, { ascending: true });
    expect(ascending.records.map((r) => r.partition)).toEqual(["p1", "p3"]);
    await expect(instance.fetchMaterializations("orders", { cursor: "abc" })).rejects.toThrow(/not a cursor/);
  });

  it("lists asset keys by prefix, and forgets wiped assets", async () => {
    const instance = Instance.ephemeral();
    await recordMaterializations(instance, "raw/orders", 1);
    await recordMaterializations(instance, "clean/orders", 2);
    expect((await instance.getAssetKeys({ prefix: "raw" })).map(String)).toEqual(["raw/orders"]);
    expect([...(await instance.getMaterializedPartitions("clean/orders"))]).toEqual(["p0", "p1"]);
    await instance.wipeAssets(["clean/orders"]);
    expect((await instance.getAssetKeys()).map(String)).toEqual(["raw/orders"]);
    expect(await instance.getLatestMaterializationEvent("clean/orders")).toBeUndefined();
  });

  it("filters runs by status, job and tags", async () => {
    const instance = Instance.ephemeral();
    await instance.createRun({ jobName: "daily", tags: { team: "a" }, assetSelection: [], runConfig: {} });
    const b = await instance.createRun({ jobName: "hourly", tags: { team: "b" }, assetSelection: [], runConfig: {} });
    expect((await instance.getRuns({ tags: { team: "b" } })).map((r) => r.runId)).toEqual([b.runId]);
    expect((await instance.getRuns({ jobName: "daily" })).length).toBe(1);
    expect((await instance.getRuns({ statuses: ["NOT_STARTED"], limit: 1 })).map((r) => r.runId)).toEqual([b.runId]);
  });

  it("keeps dynamic partitions", async () => {
    const instance = Instance.ephemeral();
    await instance.addDynamicPartitions("customers", ["acme", "globex"]);
    await instance.deleteDynamicPartition("customers", "acme");
    expect(await instance.getDynamicPartitions("customers")).toEqual(["globex"]);
    expect(await instance.hasDynamicPartition("customers", "globex")).toBe(true);
  });
});
