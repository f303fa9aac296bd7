// test_multi_partitions.py::test_tags_multi_dimensional_partitions, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { materialize } from "../code-location/index.js";
import { asset } from "../definitions/index.js";
import { Instance } from "../instance/index.js";
import { DailyPartitionsDefinition, MultiPartitionKey, MultiPartitionsDefinition, StaticPartitionsDefinition } from "../partitions/index.js";

describe("reference cases: test_multi_partitions.py", () => {
  it("test_tags_multi_dimensional_partitions", async () => {
    const composite = new MultiPartitionsDefinition({ date: new DailyPartitionsDefinition({ startDate: "2021-05-05" }), abc: new StaticPartitionsDefinition(["a", "b", "c"]) });
    const asset1 = asset({ name: "asset1", partitionsDef: composite }, () => 1);
    const asset2 = asset({ name: "asset2", partitionsDef: composite, ins: { asset1 } }, () => 2);
    const instance = Instance.ephemeral();
    const key = String(new MultiPartitionKey({ abc: "a", date: "2021-06-01" }));
    const result = await materialize([asset1, asset2], { instance, partitionKey: key });
    expect(result.success).toBe(true);
    expect(result.run.tags["tessera/partition/abc"]).toBe("a");
    expect(result.run.tags["tessera/partition/date"]).toBe("2021-06-01");
    const materializations = result.getAssetMaterializationEvents();
    expect(materializations).toHaveLength(2);
    for (const m of materializations) expect(m.partition).toBe(key);
  });
});
