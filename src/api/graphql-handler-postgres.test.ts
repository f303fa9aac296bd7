import { afterEach, describe, expect, it } from "vitest";
import { AssetKey } from "../core/index.js";
import { asset } from "../definitions/index.js";
import { Definitions, InProcessWorkspace } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { dropSchema, freshSchemaName, postgresForTests } from "../../test/support/postgres.js";
import { createGraphQLHandler } from "./graphql-handler.js";

const server = await postgresForTests();
const orders = asset("orders", async () => 1);

describe.skipIf(!server.reachable)("GraphQL API on PostgreSQL", () => {
  const schemas: string[] = [];
  afterEach(async () => {
    await Promise.all(schemas.splice(0).map((s) => dropSchema(server.url, s)));
  });

  it("answers asset nodes, runs and a launched run from a PostgreSQL instance, and shows no password", async () => {
    const schema = freshSchemaName();
    schemas.push(schema);
    const url = new URL(server.url);
    url.password = "hunter2";
    const variable = `TESSERA_TEST_API_URL_${process.pid}`;
    process.env[variable] = url.toString();
    const instance = await Instance.connect({ storage: { postgres: { url: { env: variable }, schema } } });
    const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "shop", load: new Definitions({ assets: [orders] }) }] });
    const yoga = createGraphQLHandler({ instance, workspace });
    try {
      const seed = await instance.createRun({ jobName: "j", tags: {}, assetSelection: ["orders"], runConfig: {} });
      await instance.storeEvents([{ runId: seed.runId, timestamp: 5, eventType: "ASSET_MATERIALIZATION", assetKey: AssetKey.from("orders") }]);
      const body = JSON.stringify({
        query: `mutation { launchRun(selection: "orders") { __typename ... on LaunchRunSuccess { run { status } } } }`,
      });
      const launched = await (await yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json" }, body })).json();
      expect(launched).toEqual({ data: { launchRun: { __typename: "LaunchRunSuccess", run: { status: "QUEUED" } } } });
      const query = `{ instance { backend location } assetNodes { key { path } latestMaterialization { timestamp } } runs { runs { status } } }`;
      const response = await yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
      const text = await response.text();
      expect(text).not.toContain("hunter2");
      const result = JSON.parse(text) as { data: { instance: { backend: string }; assetNodes: unknown[]; runs: { runs: { status: string }[] } } };
      expect(result.data.instance.backend).toBe("postgres");
      expect(result.data.assetNodes).toEqual([{ key: { path: ["orders"] }, latestMaterialization: { timestamp: 5 } }]);
      expect(result.data.runs.runs.map((r) => r.status).sort()).toEqual(["NOT_STARTED", "QUEUED"]);
    } finally {
      yoga.close();
      await instance.close();
    }
  });
});
