// Cases of Dagster's asset_defs_tests/test_asset_subset.py (AssetSubset: one asset's partitions, or the asset
// itself when unpartitioned), ported to Tessera's EntitySubset, the subsets automation conditions evaluate to.
import { describe, expect, it } from "vitest";
import {
  DailyPartitionsDefinition,
  HourlyPartitionsDefinition,
  MultiPartitionsDefinition,
  StaticPartitionsDefinition,
  type PartitionsDefinition,
} from "../../partitions/index.js";
import { EntitySubset } from "./subset.js";

const NODE = 0;
const NOW = { currentTime: new Date("2026-12-01T00:00:00Z") };
const PARTITIONS_DEFS: [string, PartitionsDefinition | undefined][] = [
  ["unpartitioned", undefined],
  ["daily", new DailyPartitionsDefinition({ startDate: "2020-01-01", endDate: "2020-01-05" })],
  ["hourly", new HourlyPartitionsDefinition({ startDate: "2020-01-01-00:00", endDate: "2020-01-02-00:00" })],
  ["static", new StaticPartitionsDefinition(["a", "b", "c"])],
  [
    "multi",
    new MultiPartitionsDefinition({
      day: new DailyPartitionsDefinition({ startDate: "2020-01-01", endDate: "2020-01-05" }),
      other: new StaticPartitionsDefinition(["a", "b", "c"]),
    }),
  ],
];

/** The reference's `asset_partitions`: the partition keys, or `[null]` for an unpartitioned asset that is in the subset. */
const assetPartitions = (subset: EntitySubset): (string | null)[] =>
  subset.isPartitioned ? subset.partitionKeys().sort() : subset.size === 1 ? [null] : [];
const keysOf = (def: PartitionsDefinition | undefined): (string | null)[] => (def ? def.getPartitionKeys(NOW).sort() : [null]);

describe("reference cases: test_asset_subset.py", () => {
  for (const [label, def] of PARTITIONS_DEFS) {
    it(`test_empty_subset_subset[${label}]`, () => {
      const empty = EntitySubset.empty(NODE, def);
      expect(empty.size).toBe(0);
      expect(assetPartitions(empty)).toEqual([]);
    });

    it(`test_all_subset[${label}]`, () => {
      const all = EntitySubset.all(NODE, def, NOW);
      const keys = keysOf(def);
      expect(all.size).toBe(keys.length);
      expect(assetPartitions(all)).toEqual(keys);
    });

    const OPERATIONS: [string, (a: EntitySubset, b: EntitySubset) => EntitySubset, (a: Set<unknown>, b: Set<unknown>) => unknown[]][] = [
      ["and", (a, b) => a.intersection(b), (a, b) => [...a].filter((x) => b.has(x))],
      ["or", (a, b) => a.union(b), (a, b) => [...new Set([...a, ...b])]],
      ["sub", (a, b) => a.difference(b), (a, b) => [...a].filter((x) => !b.has(x))],
    ];
    for (const [name, operation, onSets] of OPERATIONS) {
      for (const firstAll of [true, false]) {
        for (const secondAll of [true, false]) {
          it(`test_operations[${label}-${name}-${firstAll}-${secondAll}]`, () => {
            const a = firstAll ? EntitySubset.all(NODE, def, NOW) : EntitySubset.empty(NODE, def);
            const b = secondAll ? EntitySubset.all(NODE, def, NOW) : EntitySubset.empty(NODE, def);
            const expected = onSets(new Set(assetPartitions(a)), new Set(assetPartitions(b))) as (string | null)[];
            expect(assetPartitions(operation(a, b))).toEqual(expected.sort());
          });
        }
      }
    }
  }

  const daily = new DailyPartitionsDefinition({ startDate: "2020-01-01" });
  const letters = new StaticPartitionsDefinition(["a", "b", "c", "d", "e"]);
  const VALUES: [string, PartitionsDefinition | undefined, () => EntitySubset][] = [
    ["true", undefined, () => EntitySubset.of(NODE, true)],
    ["false", undefined, () => EntitySubset.of(NODE, false)],
    ["time windows", daily, () => EntitySubset.of(NODE, daily.subsetWithPartitionKeys(["2020-01-01", "2020-01-04"]))],
    ["time partition keys", daily, () => EntitySubset.of(NODE, daily.subsetWithPartitionKeys(["2020-01-01", "2020-01-04", "2022-01-02", "2022-01-03", "2022-01-04"]))],
    ["default", letters, () => EntitySubset.of(NODE, letters.subsetWithPartitionKeys(["a", "b", "c", "d", "e"]))],
    ["all", daily, () => EntitySubset.all(NODE, daily, { currentTime: new Date("2020-01-20T00:00:00Z") })],
  ];
  for (const [label, def, make] of VALUES) {
    it(`test_serialization[${label}]`, () => {
      const subset = make();
      const roundTrip = EntitySubset.deserialize(NODE, def, subset.serialize());
      expect(roundTrip).toBeDefined();
      expect(roundTrip?.node).toBe(subset.node);
      expect(assetPartitions(roundTrip as EntitySubset)).toEqual(assetPartitions(subset));
    });
  }
});
