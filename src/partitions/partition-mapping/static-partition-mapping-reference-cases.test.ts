// Cases of Dagster's partition_mapping_tests/test_static_partition_mapping.py, ported to Tessera's API.
import { describe, expect, it } from "vitest";
import { IncompatiblePartitionMappingError } from "../errors.js";
import { StaticPartitionsDefinition } from "../static-partitions-definition.js";
import { StaticPartitionMapping } from "./static-partition-mapping.js";

const sorted = (keys: readonly string[]): string[] => [...keys].sort();

describe("reference cases: test_static_partition_mapping.py", () => {
  it("test_single_valued_static_mapping", () => {
    const upstream = new StaticPartitionsDefinition(["p1", "p2", "p3", "q1", "q2", "r1"]);
    const downstream = new StaticPartitionsDefinition(["p", "q", "r"]);
    const mapping = new StaticPartitionMapping({ p1: "p", p2: "p", p3: "p", r1: "r" });
    expect(sorted(mapping.getDownstreamPartitionsForPartitions(upstream.subsetWithPartitionKeys(["p1", "p3", "q2", "r1"]), upstream, downstream).getPartitionKeys())).toEqual(["p", "r"]);
    const result = mapping.getUpstreamMappedPartitionsResultForPartitions(downstream.subsetWithPartitionKeys(["p", "q"]), downstream, upstream);
    expect(sorted(result.partitionsSubset.getPartitionKeys())).toEqual(["p1", "p2", "p3"]);
  });

  it("test_multi_valued_static_mapping", () => {
    const upstream = new StaticPartitionsDefinition(["p", "q1", "q2", "r"]);
    const downstream = new StaticPartitionsDefinition(["p1", "p2", "p3", "q", "r1"]);
    const mapping = new StaticPartitionMapping({ p: ["p1", "p2", "p3"], q1: "q", q2: "q" });
    expect(sorted(mapping.getDownstreamPartitionsForPartitions(upstream.subsetWithPartitionKeys(["p", "r"]), upstream, downstream).getPartitionKeys())).toEqual(["p1", "p2", "p3"]);
    const result = mapping.getUpstreamMappedPartitionsResultForPartitions(downstream.subsetWithPartitionKeys(["p2", "p3", "q"]), downstream, upstream);
    expect(sorted(result.partitionsSubset.getPartitionKeys())).toEqual(["p", "q1", "q2"]);
  });

  it("test_error_on_extra_keys_in_mapping: the mapping methods and validation raise an error naming the unknown key", () => {
    const upstream = new StaticPartitionsDefinition(["p", "q"]);
    const downstream = new StaticPartitionsDefinition(["p", "q"]);
    const extraTarget = new StaticPartitionMapping({ p: "p", q: ["q", "OTHER"] });
    expect(() => extraTarget.getDownstreamPartitionsForPartitions(upstream.subsetWithPartitionKeys([]), upstream, downstream)).toThrow(IncompatiblePartitionMappingError);
    expect(() => extraTarget.getDownstreamPartitionsForPartitions(upstream.subsetWithPartitionKeys([]), upstream, downstream)).toThrow(/OTHER/);
    expect(() => extraTarget.validatePartitionMapping(upstream, downstream)).toThrow(/OTHER/);
    const extraSource = new StaticPartitionMapping({ p: "p", q: "q", OTHER: "q" });
    expect(() => extraSource.getUpstreamMappedPartitionsResultForPartitions(downstream.subsetWithPartitionKeys([]), downstream, upstream)).toThrow(/OTHER/);
    expect(() => extraSource.validatePartitionMapping(upstream, downstream)).toThrow(/OTHER/);
  });
});
