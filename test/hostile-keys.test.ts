// Hostile asset and partition keys: none is accepted that names "." or "..", and none stored by the filesystem
// IO manager can land outside its folder or on another key's file.
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AssetKey,
  DynamicPartitionsDefinition,
  FilesystemIOManager,
  Instance,
  InvalidAssetKeyError,
  InvalidPartitionKeyError,
  StaticPartitionsDefinition,
  asset,
  materialize,
} from "@tessera/core";

describe("hostile keys", () => {
  let root: string;
  let home: string;
  let instance: Instance;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "tessera-hostile-"));
    home = join(root, "home");
    instance = Instance.fromHome({ home });
  });
  afterEach(async () => {
    await instance.close();
    // Nothing was written next to the home: every value stayed inside it.
    expect(readdirSync(root)).toEqual(["home"]);
  });

  it.each([["."], [".."], ["a", ".."], ["..", "..", "name"], ["a", "."]])("refuses the asset key %j at definition time", (...segments) => {
    expect(() => new AssetKey(segments)).toThrow(InvalidAssetKeyError);
    expect(() => asset({ name: segments[segments.length - 1] as string, keyPrefix: segments.slice(0, -1) }, () => 1)).toThrow(InvalidAssetKeyError);
    expect(() => AssetKey.from(segments.join("/"))).toThrow(/is not allowed/);
  });

  it.each([".", "..", "a\u0001b", "tab\there", "del\u007f"])("refuses the partition key %j in a static definition and at partitions add", async (key) => {
    expect(() => new StaticPartitionsDefinition(["ok", key])).toThrow(InvalidPartitionKeyError);
    await expect(instance.addDynamicPartitions("files", ["ok", key])).rejects.toThrow(InvalidPartitionKeyError);
    expect(await instance.getDynamicPartitions("files")).toEqual([]);
  });

  it("stores partition keys with separators and dots inside the asset's own folder, each in its own file", async () => {
    const files = new DynamicPartitionsDefinition({ name: "files" });
    const keys = ["../../escape", "a/b", "a%2Fb", "..x", ".hidden", "x..", "\\..\\up", "/abs"];
    await instance.addDynamicPartitions("files", keys);
    const raw = asset({ name: "raw", partitionsDef: files }, (ctx) => ctx.partitionKey);
    for (const key of keys) await materialize([raw], { instance, partitionKey: key });
    const stored = readdirSync(join(home, "storage", "raw"));
    expect(stored).toHaveLength(keys.length);
    expect(existsSync(join(home, "escape"))).toBe(false);
    const io = new FilesystemIOManager({ baseDir: join(home, "storage") });
    for (const key of keys) {
      expect(await io.loadInput({ assetKey: new AssetKey("raw"), name: "x", runId: "r", metadata: {} as never, upstreamMetadata: {} as never, partitionKey: key, log: console })).toBe(key);
    }
  });

  it("refuses, before writing, two assets whose values would share a path", async () => {
    const parts = new StaticPartitionsDefinition(["x", "y"]);
    const parent = asset({ name: "b", keyPrefix: ["a"], partitionsDef: parts }, () => 1);
    const child = asset({ name: "x", keyPrefix: ["a", "b"] }, () => 2);
    await expect(materialize([parent, child], { instance, partitionKey: "x", selection: "a/b" })).rejects.toThrow(
      /asset "a\/b" and asset "a\/b\/x" would share the path .* Rename one of them/,
    );
    expect(existsSync(join(home, "storage", "a"))).toBe(false);
    const top = asset("top", () => 1);
    const under = asset({ name: "under", keyPrefix: ["top"] }, () => 2);
    await expect(materialize([top, under], { instance })).rejects.toThrow(InvalidAssetKeyError);
  });

  it("refuses a forged key that would leave the folder", () => {
    const io = new FilesystemIOManager({ baseDir: join(home, "storage") });
    const forged = Object.create(AssetKey.prototype, { path: { value: ["..", "..", "x"] } }) as AssetKey;
    expect(() => io.pathFor(forged)).toThrow(/outside the IO manager's folder/);
  });
});

describe("values the filesystem IO manager cannot store as they are", () => {
  class Money {
    constructor(readonly cents: number) {}
    format(): string {
      return `${this.cents / 100}`;
    }
  }
  it.each([
    ["a class instance", () => ({ total: new Money(5) }), /the value\.total is an instance of class Money.*Return plain data/],
    ["a function", () => [1, () => 2], /the value\[1\] is a function/],
    ["a class inside a Map", () => new Map([["k", new Money(1)]]), /the value\.get\("k"\) is an instance of class Money/],
  ] as [string, () => unknown, RegExp][])("refuses %s, naming the asset and the fix", async (_what, compute, message) => {
    const home = mkdtempSync(join(tmpdir(), "tessera-unstorable-"));
    const instance = Instance.fromHome({ home });
    try {
      const result = await materialize([asset("priced", compute)], { instance, raiseOnError: false });
      expect(result.success).toBe(false);
      const failure = result.allEvents.find((e) => e.eventType === "STEP_FAILURE");
      expect(JSON.stringify(failure)).toMatch(/UnstorableValueError|asset \\"priced\\" cannot be stored/);
      expect(failure?.message).toMatch(message);
      expect(existsSync(join(home, "storage", "priced"))).toBe(false);
    } finally {
      await instance.close();
    }
  });

  it("stores plain data, Dates, Maps, Sets and typed arrays", async () => {
    const home = mkdtempSync(join(tmpdir(), "tessera-storable-"));
    const instance = Instance.fromHome({ home });
    try {
      const value = { at: new Date(1), m: new Map([["a", new Set([1])]]), bytes: new Uint8Array([1]), nested: [{ x: null }], proto: Object.create(null) as object };
      const result = await materialize([asset("plain", () => value)], { instance });
      expect(result.success).toBe(true);
    } finally {
      await instance.close();
    }
  });
});
