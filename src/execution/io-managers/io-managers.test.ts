import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AssetKey, MissingAssetValueError, coerceMetadata } from "../../core/index.js";
import type { InputContext, OutputContext } from "../../definitions/index.js";
import { FilesystemIOManager } from "./filesystem-io-manager.js";
import { InMemoryIOManager } from "./in-memory-io-manager.js";

const log = { debug() {}, info() {}, warn() {}, error() {} };
const out = (key: AssetKey, partitionKey?: string): OutputContext => ({
  assetKey: key,
  runId: "r",
  stepKey: "s",
  name: "result",
  definitionMetadata: coerceMetadata(undefined),
  partitionKey,
  log,
});
const inp = (key: AssetKey, partitionKey?: string): InputContext => ({
  assetKey: key,
  name: "x",
  runId: "r",
  metadata: coerceMetadata(undefined),
  upstreamMetadata: coerceMetadata(undefined),
  partitionKey,
  log,
});

describe("FilesystemIOManager", () => {
  it("round-trips rich values with v8 serialization at <base>/<key path>", async () => {
    const baseDir = mkdtempSync(join(tmpdir(), "tessera-fs-io-"));
    const io = new FilesystemIOManager({ baseDir });
    const key = new AssetKey(["warehouse", "orders"]);
    const value = { when: new Date(5), ids: new Map([["a", 1]]), bytes: new Uint8Array([1, 2]) };
    const metadata = await io.handleOutput(out(key), value);
    expect(metadata.path).toEqual({ type: "path", value: join(baseDir, "warehouse", "orders") });
    expect(await io.loadInput(inp(key))).toEqual(value);
  });

  it("writes JSON readable by other tools when asked", async () => {
    const baseDir = mkdtempSync(join(tmpdir(), "tessera-fs-io-"));
    const io = new FilesystemIOManager({ baseDir, format: "json" });
    await io.handleOutput(out(new AssetKey("orders")), [{ id: 1 }]);
    expect(JSON.parse(readFileSync(join(baseDir, "orders.json"), "utf8"))).toEqual([{ id: 1 }]);
  });

  it("keeps one file per partition", async () => {
    const baseDir = mkdtempSync(join(tmpdir(), "tessera-fs-io-"));
    const io = new FilesystemIOManager({ baseDir });
    const key = new AssetKey("daily");
    await io.handleOutput(out(key, "2026-01-01"), 1);
    await io.handleOutput(out(key, "2026-01-02"), 2);
    expect(await io.loadInput(inp(key, "2026-01-01"))).toBe(1);
    expect(readdirSync(join(baseDir, "daily")).sort()).toEqual(["2026-01-01", "2026-01-02"]);
  });

  it("replaces a value atomically, leaving no temporary files", async () => {
    const baseDir = mkdtempSync(join(tmpdir(), "tessera-fs-io-"));
    const io = new FilesystemIOManager({ baseDir });
    const key = new AssetKey("orders");
    await Promise.all(Array.from({ length: 20 }, (_, i) => io.handleOutput(out(key), { version: i, rows: Array(100).fill(i) })));
    const loaded = (await io.loadInput(inp(key))) as { version: number; rows: number[] };
    expect(loaded.rows.every((r) => r === loaded.version)).toBe(true);
    expect(readdirSync(baseDir)).toEqual(["orders"]);
  });

  it("says what to materialize when a value was never stored", async () => {
    const io = new FilesystemIOManager({ baseDir: mkdtempSync(join(tmpdir(), "tessera-fs-io-")) });
    await expect(io.loadInput(inp(new AssetKey("orders")))).rejects.toThrow(MissingAssetValueError);
    await expect(io.loadInput(inp(new AssetKey("orders")))).rejects.toThrow(/tessera materialize --select orders/);
  });
});

describe("InMemoryIOManager", () => {
  it("keeps values per asset and partition in memory", async () => {
    const io = new InMemoryIOManager();
    io.handleOutput(out(new AssetKey("a")), 1);
    io.handleOutput(out(new AssetKey("a"), "p"), 2);
    expect(io.loadInput(inp(new AssetKey("a")))).toBe(1);
    expect(io.loadInput(inp(new AssetKey("a"), "p"))).toBe(2);
    expect(() => io.loadInput(inp(new AssetKey("b")))).toThrow(MissingAssetValueError);
  });
});
