import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AssetKey, InstanceError } from "../core/index.js";
import { dropSchema, freshSchemaName, postgresForTests } from "../../test/support/postgres.js";
import { Instance } from "./instance.js";

const server = await postgresForTests();

describe.skipIf(!server.reachable)("Instance on PostgreSQL", () => {
  const schemas: string[] = [];
  const variables: string[] = [];
  afterEach(async () => {
    for (const v of variables.splice(0)) delete process.env[v];
    await Promise.all(schemas.splice(0).map((s) => dropSchema(server.url, s)));
  });

  /** The test server's URL with a password in it (trust auth ignores it), in an environment variable. */
  function urlInEnvironment(): string {
    const variable = `TESSERA_TEST_DATABASE_URL_${variables.length}_${process.pid}`;
    const url = new URL(server.url);
    url.password = "hunter2";
    process.env[variable] = url.toString();
    variables.push(variable);
    return variable;
  }

  it("opens the storage that tessera.yaml names, with the URL from the environment, and keeps runs across opens", async () => {
    const home = mkdtempSync(join(tmpdir(), "tessera-home-"));
    const schema = freshSchemaName();
    schemas.push(schema);
    writeFileSync(join(home, "tessera.yaml"), `storage:\n  postgres:\n    url: { env: ${urlInEnvironment()} }\n    schema: ${schema}\n`);
    const first = Instance.fromHome({ home });
    const run = await first.createRun({ jobName: "j", tags: {}, assetSelection: ["orders"], runConfig: {} });
    await first.storeEvents([{ runId: run.runId, eventType: "ASSET_MATERIALIZATION", timestamp: 1, assetKey: new AssetKey("orders") }]);
    await first.close();
    const second = Instance.fromHome({ home });
    expect((await second.getRunById(run.runId))?.runId).toBe(run.runId);
    expect((await second.getLatestMaterializationEvent("orders"))?.runId).toBe(run.runId);
    const info = await second.info();
    expect(info).toMatchObject({ backend: "postgres", runs: 1, events: 1, assets: 1, home });
    expect(info.location).toContain(`schema=${schema}`);
    expect(JSON.stringify(info)).not.toContain("hunter2");
    await second.close();
  });

  it("connects at once with Instance.connect, creating the tables in an empty schema", async () => {
    const schema = freshSchemaName();
    schemas.push(schema);
    const instance = await Instance.connect({ storage: { postgres: { url: { env: urlInEnvironment() }, schema } } });
    expect(await instance.storage.getSchemaInfo()).toEqual({ version: 3, latest: 3 });
    await instance.close();
  });

  it("reports an unreachable server from Instance.connect at once, and from Instance.open on first use", async () => {
    const storage = { postgres: { host: "127.0.0.1", port: 1, database: "warehouse" } };
    await expect(Instance.connect({ storage })).rejects.toMatchObject({ code: "POSTGRES_UNREACHABLE", message: expect.stringContaining("127.0.0.1:1/warehouse") });
    const instance = Instance.open({ storage });
    const error = await instance.getRuns().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InstanceError);
    expect(error).toMatchObject({ code: "POSTGRES_UNREACHABLE" });
    await instance.close();
  });
});
