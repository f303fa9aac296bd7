import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Client } from "pg";
import { AssetKey, InstanceError, type TesseraEvent } from "../../core/index.js";
import { dropSchema, freshSchemaName, postgresForTests, throwawayPostgresStorage, withClient } from "../../../test/support/postgres.js";
import { describeStorageConformance } from "../conformance.js";
import { POSTGRES_MIGRATIONS } from "./migrations.js";
import { PostgresStorage, type PostgresStorageOptions } from "./postgres-storage.js";

const server = await postgresForTests();

describe.skipIf(!server.reachable)("PostgreSQL", () => {
  describeStorageConformance("PostgreSQL", { create: async () => throwawayPostgresStorage(server.url) });

  describe("PostgresStorage", () => {
    // Storages opened on a schema of the test's own, closed and dropped after it.
    const opened: PostgresStorage[] = [];
    const schemas: string[] = [];
    const open = (schema: string, options: Omit<PostgresStorageOptions, "url" | "schema"> = {}): PostgresStorage => {
      const storage = new PostgresStorage({ ...options, url: server.url, schema });
      opened.push(storage);
      return storage;
    };
    const schema = (): string => {
      const name = freshSchemaName();
      schemas.push(name);
      return name;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await Promise.all(schemas.splice(0).map((s) => dropSchema(server.url, s)));
    });

    const run = { runId: "r1", jobName: "j", status: "NOT_STARTED" as const, tags: {}, assetSelection: [], runConfig: {}, createTime: 1 };
    const materialization = (runId: string, i = 0): TesseraEvent => ({ runId, eventType: "ASSET_MATERIALIZATION", timestamp: i, assetKey: new AssetKey("a") });

    it("keeps what it recorded across reopening", async () => {
      const name = schema();
      const first = open(name);
      await first.addRun(run);
      await first.storeEvents([materialization("r1")]);
      await first.close();
      const second = open(name);
      expect((await second.getRun("r1"))?.runId).toBe("r1");
      expect((await second.getAssetKeys()).map(String)).toEqual(["a"]);
    });

    it("connects on first use: an unreachable server is reported then, naming host, port and database but never the password", async () => {
      const storage = new PostgresStorage({ url: "postgres://tessera:s3cret-pw@127.0.0.1:1/warehouse", connectTimeoutMs: 2000 });
      opened.push(storage);
      expect(storage.location).toBe("postgres://tessera@127.0.0.1:1/warehouse");
      const error = await storage.getRuns().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InstanceError);
      expect(error).toMatchObject({ code: "POSTGRES_UNREACHABLE", location: "postgres://tessera@127.0.0.1:1/warehouse" });
      expect((error as Error).message).toContain("127.0.0.1:1/warehouse");
      expect((error as Error).message).toMatch(/Start the server/);
      expect(JSON.stringify(error) + String((error as Error).stack)).not.toContain("s3cret-pw");
    });

    it("takes the password separately from a URL that has none, and keeps it out of location", async () => {
      const storage = open(schema(), { password: "not-needed-with-trust-auth" });
      expect(storage.location).not.toContain("not-needed");
      expect((await storage.info()).location).toBe(storage.location);
      expect((await storage.getSchemaInfo()).version).toBe(POSTGRES_MIGRATIONS.length);
    });

    it("creates its schema on first use, with the tables of the newest schema version and nothing elsewhere", async () => {
      const name = schema();
      await open(name).getSchemaInfo();
      const tables = await withClient(server.url, async (c) =>
        (await c.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", [name])).rows.map((r) => r.tablename),
      );
      expect(tables).toEqual(["asset_keys", "automation_evaluations", "backfills", "dynamic_partitions", "event_logs", "instigators", "kvs", "leases", "run_tags", "runs", "tessera_meta", "ticks"]);
    });

    it("refuses a schema holding another application's tables, leaving them as they were", async () => {
      const name = schema();
      await withClient(server.url, (c) => c.query(`CREATE SCHEMA ${name}; CREATE TABLE ${name}.invoices (id int); INSERT INTO ${name}.invoices VALUES (1)`));
      const error = await open(name).getRuns().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "FOREIGN_DATABASE" });
      expect((error as Error).message).toContain("invoices");
      const rows = await withClient(server.url, async (c) => (await c.query(`SELECT count(*)::int AS n FROM ${name}.invoices`)).rows);
      expect(rows).toEqual([{ n: 1 }]);
      const tables = await withClient(server.url, async (c) => (await c.query("SELECT tablename FROM pg_tables WHERE schemaname = $1", [name])).rowCount);
      expect(tables).toBe(1);
    });

    it("asks for `tessera instance migrate` on an older schema, and migrates it keeping its data", async () => {
      const name = schema();
      const v1 = open(name);
      await v1.addRun(run);
      await v1.close();
      const newer = [
        ...POSTGRES_MIGRATIONS,
        { version: POSTGRES_MIGRATIONS.length + 1, description: "test column", up: async (c: { query(sql: string): Promise<unknown> }) => void (await c.query("ALTER TABLE runs ADD COLUMN note TEXT")) },
      ];
      await expect(open(name, { migrations: newer }).getRun("r1")).rejects.toMatchObject({ code: "MIGRATION_REQUIRED", message: expect.stringMatching(/tessera instance migrate/) });
      const old = open(name, { migrations: newer, allowOldSchema: true });
      expect(await old.getSchemaInfo()).toEqual({ version: POSTGRES_MIGRATIONS.length, latest: POSTGRES_MIGRATIONS.length + 1 });
      await expect(old.getRun("r1")).rejects.toThrow(/migrate/);
      expect(await old.migrate()).toEqual({ from: POSTGRES_MIGRATIONS.length, to: POSTGRES_MIGRATIONS.length + 1 });
      expect((await old.getRun("r1"))?.runId).toBe("r1");
      expect(await old.migrate()).toEqual({ from: POSTGRES_MIGRATIONS.length + 1, to: POSTGRES_MIGRATIONS.length + 1 });
    });

    it("refuses a schema newer than this code knows", async () => {
      const name = schema();
      await open(name).getSchemaInfo();
      await withClient(server.url, (c) => c.query(`UPDATE ${name}.tessera_meta SET value = '999' WHERE key = 'schema_version'`));
      await expect(open(name).getRuns()).rejects.toMatchObject({ code: "SCHEMA_TOO_NEW" });
    });

    it("creates the tables once when many processes open an empty database at the same moment", async () => {
      const name = schema();
      // Separate pools are separate sessions: to the server, as separate as processes.
      const storages = Array.from({ length: 6 }, () => open(name));
      const infos = await Promise.all(storages.map((s) => s.getSchemaInfo()));
      expect(infos.every((i) => i.version === POSTGRES_MIGRATIONS.length)).toBe(true);
      const meta = await withClient(server.url, async (c) => (await c.query(`SELECT key, value FROM ${name}.tessera_meta ORDER BY key`)).rows);
      expect(meta).toEqual([
        { key: "app", value: "tessera" },
        { key: "schema_version", value: String(POSTGRES_MIGRATIONS.length) },
      ]);
    });

    it("gives each batch contiguous storage ids in commit order while other writers append", async () => {
      const name = schema();
      const writers = Array.from({ length: 4 }, () => open(name));
      await writers[0]?.addRun(run);
      const batches = await Promise.all(
        writers.map(async (w) => {
          const mine: number[][] = [];
          for (let b = 0; b < 10; b++) {
            const stored = await w.storeEvents(Array.from({ length: 50 }, (_, i) => materialization("r1", i)));
            mine.push(stored.map((e) => e.storageId));
          }
          return mine;
        }),
      );
      const all = batches.flat();
      for (const ids of all) expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => (ids[0] as number) + i));
      expect(new Set(all.flat()).size).toBe(4 * 10 * 50);
      expect(await writers[0]?.getMaxStorageId()).toBe(Math.max(...all.flat()));
    });

    it("lists keys and partitions in byte order in a database whose default collation is linguistic", async () => {
      const database = `tessera_test_icu_${randomBytes(4).toString("hex")}`;
      await withClient(server.url, (c) => c.query(`CREATE DATABASE ${database} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`));
      const url = new URL(server.url);
      url.pathname = `/${database}`;
      const storage = new PostgresStorage({ url: url.toString() });
      try {
        await storage.addRun(run);
        const names = ["b", "B", "a_z", "A"];
        await storage.storeEvents(names.map((n) => ({ ...materialization("r1"), assetKey: new AssetKey(n), partition: n })));
        await storage.storeEvents(names.map((n) => ({ ...materialization("r1"), partition: n })));
        expect((await storage.getAssetKeys()).map(String)).toEqual(["A", "B", "a", "a_z", "b"]);
        expect(await storage.getMaterializedPartitions(new AssetKey("a"))).toEqual(["A", "B", "a_z", "b"]);
      } finally {
        await storage.close();
        await withClient(server.url, (c) => c.query(`DROP DATABASE ${database} WITH (FORCE)`));
      }
    });

    it("tells a watcher the newest storage id when any process commits events to its schema, and nothing from other schemas", async () => {
      const name = schema();
      const watched = open(name);
      const writer = open(name);
      const elsewhere = throwawayPostgresStorage(server.url);
      opened.push(elsewhere);
      await writer.addRun(run);
      await elsewhere.addRun(run);
      const seen: number[] = [];
      let wake: () => void = () => {};
      const stop = await watched.watchEvents((id) => {
        seen.push(id);
        wake();
      });
      const next = (): Promise<void> => new Promise((resolve) => (wake = resolve));
      const arrived = next();
      await elsewhere.storeEvents([materialization("r1")]);
      const stored = await writer.storeEvents([materialization("r1", 1), materialization("r1", 2)]);
      await arrived;
      expect(seen).toEqual([stored[1]?.storageId]);
      await stop();
      // A watcher still listening tells when the commit's notification has gone out to every listener.
      let delivered: (id: number) => void = () => {};
      const lateSeen = new Promise<number>((resolve) => (delivered = resolve));
      const stillWatching = await open(name).watchEvents((id) => delivered(id));
      const [late] = await writer.storeEvents([materialization("r1", 3)]);
      expect(await lateSeen).toBe(late?.storageId);
      await stillWatching();
      expect(seen).toHaveLength(1);
    });

    it("carries on with new connections after the server drops its idle ones", async () => {
      const name = schema();
      const storage = open(name, { applicationName: name });
      await storage.addRun(run);
      const terminated = await withClient(server.url, async (c) =>
        (await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [name])).rowCount,
      );
      expect(terminated).toBeGreaterThan(0);
      // At once, before the pool has heard of the dropped connections: the read is sent again on a new one.
      expect((await storage.getRun("r1"))?.runId).toBe("r1");
    });

    /** Waits until a connection of `applicationName` waits on a lock, then ends it from the server's side. */
    async function terminateOnceBlocked(locker: Client, applicationName: string): Promise<void> {
      for (;;) {
        const waiting = await locker.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [applicationName]);
        if (waiting.rowCount) {
          await locker.query("SELECT pg_terminate_backend($1)", [waiting.rows[0].pid]);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    it("sends a read again when its connection is lost mid-query", async () => {
      const name = schema();
      const storage = open(name, { applicationName: name });
      await storage.getSchemaInfo();
      await withClient(server.url, async (locker) => {
        await locker.query(`BEGIN; LOCK TABLE ${name}.event_logs IN ACCESS EXCLUSIVE MODE`);
        const blocked = storage.getMaxStorageId();
        await terminateOnceBlocked(locker, name);
        await locker.query("ROLLBACK");
        expect(await blocked).toBe(0);
      });
    });

    it("reports a write whose connection is lost mid-query as POSTGRES_UNREACHABLE (it may have committed), and works again on the next call", async () => {
      const name = schema();
      const storage = open(name, { applicationName: name });
      await storage.getSchemaInfo();
      await withClient(server.url, async (locker) => {
        await locker.query(`BEGIN; LOCK TABLE ${name}.event_logs IN ACCESS EXCLUSIVE MODE`);
        const blocked = storage.storeEvents([materialization("r1")]).catch((e: unknown) => e);
        await terminateOnceBlocked(locker, name);
        expect(await blocked).toMatchObject({ code: "POSTGRES_UNREACHABLE", message: expect.stringMatching(/Lost the connection to PostgreSQL.*terminating connection/) });
        await locker.query("ROLLBACK");
      });
      expect(await storage.getMaxStorageId()).toBe(0);
    });

    it("refuses use after close", async () => {
      const storage = open(schema());
      await storage.getSchemaInfo();
      await storage.close();
      await expect(storage.getRuns()).rejects.toMatchObject({ code: "INSTANCE_CLOSED" });
    });
  });
});
