// The staleness fields of an asset node answer about one partition when given `partition`, and name the partitions of a cause.
import { describe, expect, it } from "vitest";
import { asset } from "../definitions/index.js";
import { StaticPartitionsDefinition } from "../partitions/index.js";
import { Definitions, InProcessWorkspace } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { createGraphQLHandler } from "./graphql-handler.js";

const regions = new StaticPartitionsDefinition(["eu", "us"]);

async function setup() {
  const up = asset({ name: "up", partitionsDef: regions }, async () => 1);
  const down = asset({ name: "down", partitionsDef: regions, deps: [up] }, async () => 2);
  const plain = asset({ name: "plain" }, async () => 3);
  const defs = new Definitions({ assets: [up, down, plain] });
  const instance = Instance.ephemeral();
  await defs.materialize("up, down", { instance, partitionKey: "eu" });
  await defs.materialize("plain", { instance });
  // A new materialization of up's eu partition leaves down's eu partition behind it.
  await defs.materialize("up", { instance, partitionKey: "eu" });
  const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "loc", load: defs }] });
  const yoga = createGraphQLHandler({ instance, workspace, readOnly: true, pollIntervalMs: 10_000 });
  return async (query: string) => {
    const response = await yoga.fetch("http://localhost/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
    return (await response.json()) as { data?: { assetNodes: Record<string, unknown>[] } | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  };
}

describe("AssetNode staleness by partition", () => {
  it("answers staleStatus and staleCauses of one partition, with the cause's partition and its dependency's", async () => {
    const ask = await setup();
    const body = await ask(`{ assetNodes(selection: "down") {
      eu: staleStatus(partition: "eu") us: staleStatus(partition: "us")
      euCauses: staleCauses(partition: "eu") { key { path } partitionKey category reason dependency { path } dependencyPartitionKey }
      usCauses: staleCauses(partition: "us") { reason }
    } }`);
    expect(body.errors).toBeUndefined();
    const node = body.data?.assetNodes[0];
    expect(node?.eu).toBe("STALE");
    expect(node?.us).toBe("MISSING");
    expect(node?.usCauses).toEqual([]);
    expect(node?.euCauses).toEqual([
      expect.objectContaining({ key: { path: ["down"] }, partitionKey: "eu", category: "DATA", dependency: { path: ["up"] }, dependencyPartitionKey: "eu" }),
    ]);
  });

  it("keeps the fields without a partition, and refuses a partition of an unpartitioned asset by name, other assets still answered", async () => {
    const ask = await setup();
    const whole = await ask(`{ assetNodes(selection: "plain") { staleStatus staleCauses { partitionKey dependencyPartitionKey } } }`);
    expect(whole.errors).toBeUndefined();
    expect(whole.data?.assetNodes[0]).toEqual({ staleStatus: "FRESH", staleCauses: [] });

    const bad = await ask(`{ assetNodes(selection: "plain, down") { key { path } staleStatus(partition: "eu") } }`);
    expect(bad.errors?.[0]?.message).toMatch(/"plain" is not partitioned/);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", assetKey: "plain", partition: "eu" });
    expect(bad.data?.assetNodes.map((n) => n.staleStatus)).toEqual([null, "STALE"]);
  });
});
