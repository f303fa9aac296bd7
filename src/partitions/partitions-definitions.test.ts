import { describe, expect, it } from "vitest";
import { BackfillPolicy } from "./backfill-policy.js";
import { DynamicPartitionsDefinition, DynamicPartitionsSnapshot, validateDynamicPartitionKeys } from "./dynamic-partitions-definition.js";
import {
  DynamicPartitionsStoreRequiredError,
  InvalidPartitionKeyError,
  InvalidPartitionKeyRangeError,
  InvalidPartitionsDefinitionError,
  PartitionKeyNotFoundError,
} from "./errors.js";
import { MultiPartitionKey, MultiPartitionsDefinition } from "./multi-partitions-definition.js";
import { PartitionKeyFormat } from "./partition-key-format.js";
import { PartitionKeyRange } from "./partition-key-range.js";
import { partitionsDefinitionFingerprint, partitionsDefinitionFromSnapshot, snapshotPartitionsDefinition } from "./partitions-definition-snapshot.js";
import { StaticPartitionsDefinition } from "./static-partitions-definition.js";
import { DailyPartitionsDefinition } from "./time-window-cadences.js";

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

describe("StaticPartitionsDefinition", () => {
  const regions = new StaticPartitionsDefinition(["eu_west", "eu_north", "us_east"]);

  it("lists its keys in order and answers ranges by position", () => {
    expect(regions.kind).toBe("static");
    expect(regions.getPartitionKeys()).toEqual(["eu_west", "eu_north", "us_east"]);
    expect(regions.getNumPartitions()).toBe(3);
    expect([regions.getFirstPartitionKey(), regions.getLastPartitionKey()]).toEqual(["eu_west", "us_east"]);
    expect(regions.getPartitionKeysInRange(new PartitionKeyRange("eu_north", "us_east"))).toEqual(["eu_north", "us_east"]);
    expect(Object.isFrozen(regions)).toBe(true);
  });

  it("lists near matches for an unknown key", () => {
    const e = thrown(() => regions.validatePartitionKey("eu_wset"));
    expect(e).toBeInstanceOf(PartitionKeyNotFoundError);
    expect(e.message).toContain('Did you mean "eu_west"?');
    expect((e as PartitionKeyNotFoundError).suggestions).toEqual(["eu_west"]);
  });

  it("refuses a range whose ends are out of order", () => {
    expect(() => regions.getPartitionKeysInRange(new PartitionKeyRange("us_east", "eu_west"))).toThrow(InvalidPartitionKeyRangeError);
  });

  it("refuses duplicate and invalid keys", () => {
    expect(thrown(() => new StaticPartitionsDefinition(["a", "b", "a"])).message).toContain("appears more than once");
    expect(thrown(() => new StaticPartitionsDefinition(["a...b"]))).toBeInstanceOf(InvalidPartitionKeyError);
    expect(thrown(() => new StaticPartitionsDefinition([""]))).toBeInstanceOf(InvalidPartitionKeyError);
  });
});

describe("DynamicPartitionsDefinition", () => {
  const files = new DynamicPartitionsDefinition({ name: "files" });
  const store = new DynamicPartitionsSnapshot({ files: ["a.csv", "b.csv", "c.csv"] });

  it("reads its keys from the store it is given", () => {
    expect(files.getPartitionKeys({ dynamicPartitionsStore: store })).toEqual(["a.csv", "b.csv", "c.csv"]);
    expect(files.hasPartitionKey("b.csv", { dynamicPartitionsStore: store })).toBe(true);
    expect(files.getPartitionKeysInRange(new PartitionKeyRange("b.csv", "c.csv"), { dynamicPartitionsStore: store })).toEqual(["b.csv", "c.csv"]);
    expect(thrown(() => files.validatePartitionKey("b.csx", { dynamicPartitionsStore: store })).message).toContain('Did you mean "b.csv"?');
  });

  it("needs a store, and a snapshot of an async one", async () => {
    expect(() => files.getPartitionKeys()).toThrow(DynamicPartitionsStoreRequiredError);
    const asyncStore = { getDynamicPartitions: async (name: string) => (name === "files" ? ["x"] : []) };
    expect(() => files.getPartitionKeys({ dynamicPartitionsStore: asyncStore })).toThrow(/load a snapshot/);
    const snapshot = await DynamicPartitionsSnapshot.load(asyncStore, [files]);
    expect(files.getPartitionKeys({ dynamicPartitionsStore: snapshot })).toEqual(["x"]);
  });

  it("builds add and delete requests, refusing an invalid name before anything is stored", () => {
    expect(files.buildAddRequest(["d.csv"])).toEqual({ kind: "add_dynamic_partitions", partitionsDefName: "files", partitionKeys: ["d.csv"] });
    expect(files.buildDeleteRequest(["a.csv"]).kind).toBe("delete_dynamic_partitions");
    const e = thrown(() => files.buildAddRequest(["ok.csv", "2024-01-01...2024-01-02"]));
    expect(e).toBeInstanceOf(InvalidPartitionKeyError);
    expect((e as InvalidPartitionKeyError).code).toBe("INVALID_PARTITION_KEY");
    expect(e.message).toContain('"..."');
    expect(thrown(() => files.buildAddRequest(["line\nbreak"]))).toBeInstanceOf(InvalidPartitionKeyError);
    expect(thrown(() => files.buildAddRequest([""]))).toBeInstanceOf(InvalidPartitionKeyError);
  });

  it("validates keys for the instance's addDynamicPartitions, naming the definition", () => {
    expect(() => validateDynamicPartitionKeys("files", ["ok", "tab\there"])).toThrow('Invalid partition key "tab\\there" for DynamicPartitionsDefinition("files")');
    expect(() => validateDynamicPartitionKeys("files", ["ok"])).not.toThrow();
  });

  it("needs a name", () => {
    expect(() => new DynamicPartitionsDefinition({ name: "" })).toThrow(InvalidPartitionsDefinitionError);
    expect(thrown(() => new DynamicPartitionsDefinition({ name: "new\nfiles" })).message).toContain('DynamicPartitionsDefinition("new\\nfiles"): invalid name');
  });

  it("refuses keys added under an empty or invalid definition name, as the constructor does", () => {
    const empty = thrown(() => validateDynamicPartitionKeys("", ["a.csv"]));
    expect(empty).toBeInstanceOf(InvalidPartitionsDefinitionError);
    expect(empty.message).toContain('a name is required, e.g. new DynamicPartitionsDefinition({ name: "files" })');
    expect(thrown(() => validateDynamicPartitionKeys("files...old", ["a.csv"])).message).toContain('DynamicPartitionsDefinition("files...old"): invalid name: it contains "..."');
    expect(thrown(() => validateDynamicPartitionKeys(undefined as never, ["a.csv"])).message).toContain("got undefined");
  });
});

describe("MultiPartitionsDefinition", () => {
  const daily = new DailyPartitionsDefinition({ startDate: "2024-01-01" });
  const regions = new StaticPartitionsDefinition(["eu", "us"]);
  const multi = new MultiPartitionsDefinition({ region: regions, date: daily });
  const now = { currentTime: new Date("2024-01-03T00:00:00Z") };

  it("keys partitions a|b with the dimensions in name order", () => {
    expect(multi.dimensionNames).toEqual(["date", "region"]);
    expect(multi.getPartitionKeys(now)).toEqual(["2024-01-01|eu", "2024-01-01|us", "2024-01-02|eu", "2024-01-02|us"]);
    expect(multi.getNumPartitions(now)).toBe(4);
    expect(multi.hasPartitionKey("2024-01-02|us", now)).toBe(true);
    expect(multi.hasPartitionKey("us|2024-01-02", now)).toBe(false);
    expect(multi.primaryDimension.name).toBe("date");
  });

  it("has MultiPartitionKey stringify to the same form", () => {
    const key = new MultiPartitionKey({ region: "eu", date: "2024-01-01" });
    expect(String(key)).toBe("2024-01-01|eu");
    expect(key.keysByDimension).toEqual({ date: "2024-01-01", region: "eu" });
    expect(multi.getPartitionKeyFromStr("2024-01-02|us").keysByDimension).toEqual({ date: "2024-01-02", region: "us" });
  });

  it("takes ranges dimension by dimension", () => {
    expect(multi.getPartitionKeysInRange(new PartitionKeyRange("2024-01-01|eu", "2024-01-02|eu"), now)).toEqual(["2024-01-01|eu", "2024-01-02|eu"]);
  });

  it("names the dimension of an unknown key", () => {
    expect(thrown(() => multi.validatePartitionKey("2024-01-01|ue", now)).message).toContain('In dimension "region"');
    expect(thrown(() => multi.validatePartitionKey("2024-01-01", now))).toBeInstanceOf(InvalidPartitionKeyError);
  });

  it("needs exactly two dimensions without | in their keys", () => {
    expect(() => new MultiPartitionsDefinition({ a: regions })).toThrow(/exactly two dimensions/);
    expect(() => new MultiPartitionsDefinition({ a: regions, b: daily, c: regions })).toThrow(/exactly two dimensions/);
    expect(() => new MultiPartitionsDefinition({ a: new StaticPartitionsDefinition(["x|y"]), b: daily })).toThrow(InvalidPartitionKeyError);
  });

  it("reads dynamic dimensions from the store", async () => {
    const files = new DynamicPartitionsDefinition({ name: "files" });
    const m = new MultiPartitionsDefinition({ file: files, region: regions });
    const snapshot = await DynamicPartitionsSnapshot.load({ getDynamicPartitions: () => ["f1"] }, [m]);
    expect(m.getPartitionKeys({ dynamicPartitionsStore: snapshot })).toEqual(["f1|eu", "f1|us"]);
  });
});

describe("BackfillPolicy", () => {
  it("is one run or runs of at most N partitions", () => {
    expect(BackfillPolicy.singleRun()).toMatchObject({ policyType: "SINGLE_RUN", maxPartitionsPerRun: null });
    expect(BackfillPolicy.multiRun(10)).toMatchObject({ policyType: "MULTI_RUN", maxPartitionsPerRun: 10 });
    expect(BackfillPolicy.multiRun().maxPartitionsPerRun).toBe(1);
    expect(BackfillPolicy.multiRun(10).numRuns(25)).toBe(3);
    expect(BackfillPolicy.singleRun().numRuns(25)).toBe(1);
    expect(BackfillPolicy.multiRun(3).equals(BackfillPolicy.multiRun(3))).toBe(true);
    expect(() => BackfillPolicy.multiRun(0)).toThrow(/positive integer/);
  });
});

describe("PartitionKeyFormat", () => {
  it("formats and parses the reference's directives", () => {
    const f = new PartitionKeyFormat("%Y-%m-%dT%H:%M:%S %j %b %B %a %A %y %z %%");
    const fields = { year: 2024, month: 2, day: 29, hour: 13, minute: 5, second: 9 };
    const text = f.format(fields, -5.5 * 3_600_000);
    expect(text).toBe("2024-02-29T13:05:09 060 Feb February Thu Thursday 24 -0530 %");
    expect(f.parse(text)).toEqual({ fields, offsetMs: -5.5 * 3_600_000 });
    expect(new PartitionKeyFormat("%Y-%m-%d").parse("2023-02-29")).toBeUndefined();
    expect(new PartitionKeyFormat("%Y-%m-%d").parse("2023-02-28x")).toBeUndefined();
  });
});

describe("partitions definition snapshots", () => {
  it("rebuild an equal definition from JSON, for every kind", () => {
    const daily = new DailyPartitionsDefinition({ startDate: "2024-01-01", timezone: "Europe/Berlin", endOffset: 1, hourOffset: 3 });
    const defs = [
      new StaticPartitionsDefinition(["a", "b"]),
      daily,
      new DynamicPartitionsDefinition({ name: "files" }),
      new MultiPartitionsDefinition({ date: daily, region: new StaticPartitionsDefinition(["eu", "us"]) }),
    ];
    for (const def of defs) {
      const copy = partitionsDefinitionFromSnapshot(JSON.parse(JSON.stringify(snapshotPartitionsDefinition(def))));
      expect(copy.equals(def)).toBe(true);
      expect(partitionsDefinitionFingerprint(copy)).toBe(partitionsDefinitionFingerprint(def));
    }
    expect(partitionsDefinitionFingerprint(daily)).not.toBe(partitionsDefinitionFingerprint(new DailyPartitionsDefinition({ startDate: "2024-01-01" })));
  });
});

describe("PartitionKeyRange", () => {
  it("reads and writes the start...end form", () => {
    const range = PartitionKeyRange.fromString("2024-01-01...2024-01-31");
    expect([range.start, range.end, String(range)]).toEqual(["2024-01-01", "2024-01-31", "2024-01-01...2024-01-31"]);
    expect(() => PartitionKeyRange.fromString("2024-01-01..2024-01-31")).toThrow(/start\.\.\.end/);
    expect(() => PartitionKeyRange.fromString("a...b...c")).toThrow(/start\.\.\.end/);
  });
});
