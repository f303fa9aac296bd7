import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InMemoryComputeLogManager, LocalComputeLogManager, NoOpComputeLogManager, computeLogFileKey, computeLogManagerFor } from "./compute-log-manager.js";

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "tessera-compute-logs-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const bytes = (text: string) => Buffer.from(text, "utf8");

describe("computeLogFileKey", () => {
  it("gives every key its own file name, inside the folder, even on a case-insensitive filesystem", () => {
    const keys = ["\ud800", "orders", "Orders", "a/b", "a%2Fb", ".", "..", "../../etc/passwd", "a*b", "raw.orders", "x".repeat(400), `${"x".repeat(399)}y`];
    const names = keys.map(computeLogFileKey);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(keys.length);
    for (const name of names) {
      expect(name).not.toMatch(/[/\\*]/);
      expect(name === "." || name === "..").toBe(false);
      expect(name.length).toBeLessThanOrEqual(160);
    }
    expect(computeLogFileKey("daily_orders")).toBe("daily_orders");
  });
});

describe("LocalComputeLogManager", () => {
  it("appends a step's streams to its files and reads them from a cursor, cut at a character boundary", () => {
    const manager = new LocalComputeLogManager(tempDir());
    const sink = manager.openStep("run-1", "a/b");
    sink.write("stdout", bytes("héllo\n"));
    sink.write("stderr", bytes("oops\n"));
    sink.write("stdout", bytes("world\n"));
    sink.close();
    expect(manager.has("run-1", "a/b")).toBe(true);
    expect(manager.has("run-1", "other")).toBe(false);
    expect(manager.read("run-1", "a/b", "stdout").data).toBe("héllo\nworld\n");
    expect(manager.read("run-1", "a/b", "stderr").data).toBe("oops\n");
    // "é" is two bytes: a read of 2 bytes stops before it rather than splitting it.
    const first = manager.read("run-1", "a/b", "stdout", { maxBytes: 2 });
    expect(first).toMatchObject({ data: "h", cursor: 1 });
    const rest = manager.read("run-1", "a/b", "stdout", { cursor: first.cursor });
    expect(rest.data).toBe("éllo\nworld\n");
    expect(rest.cursor).toBe(rest.size);
    expect(manager.read("run-1", "missing", "stdout")).toMatchObject({ data: "", size: 0 });
    expect(manager.fileKeysOf("run-1")).toEqual(["a%2Fb"]);
    manager.deleteRun("run-1");
    expect(manager.has("run-1", "a/b")).toBe(false);
  });

  it("keeps at most maxBytesPerStep of a stream, then one marker line, also across a second process's sink", () => {
    const dir = tempDir();
    const manager = new LocalComputeLogManager(dir, { maxBytesPerStep: 10 });
    const sink = manager.openStep("r", "s");
    sink.write("stdout", bytes("0123456"));
    sink.write("stdout", bytes("789abcdef"));
    sink.write("stdout", bytes("more"));
    sink.close();
    const text = manager.read("r", "s", "stdout").data;
    expect(text.startsWith("0123456789\n[tessera] stdout truncated")).toBe(true);
    expect(text).toContain("computeLogs.maxBytesPerStep");
    expect(text.match(/truncated/g)).toHaveLength(1);
    // A retry elsewhere appends to the same file: it is already over the limit, so nothing more is kept.
    const again = new LocalComputeLogManager(dir, { maxBytesPerStep: 10 }).openStep("r", "s");
    again.write("stdout", bytes("later"));
    again.close();
    expect(manager.read("r", "s", "stdout").data).toBe(text);
  });

  it("keeps a write made after the step ended without leaving the file open", () => {
    const manager = new LocalComputeLogManager(tempDir());
    const sink = manager.openStep("r", "s");
    sink.close();
    sink.write("stderr", bytes("late\n"));
    expect(manager.read("r", "s", "stderr").data).toBe("late\n");
  });
});

describe("InMemoryComputeLogManager", () => {
  it("reads like the files do and caps the whole instance", () => {
    const manager = new InMemoryComputeLogManager({ maxTotalBytes: 12 });
    const a = manager.openStep("r", "a");
    a.write("stdout", bytes("0123456789"));
    const b = manager.openStep("r", "b");
    b.write("stdout", bytes("abcdef"));
    expect(manager.read("r", "a", "stdout").data).toBe("0123456789");
    expect(manager.read("r", "b", "stdout").data).toBe("ab");
    expect(manager.read("r", "a", "stdout", { cursor: 4, maxBytes: 3 })).toMatchObject({ data: "456", cursor: 7, size: 10 });
    manager.deleteRun("r");
    expect(manager.has("r", "a")).toBe(false);
  });
});

describe("computeLogManagerFor", () => {
  it("uses files under the home, the directory set, memory without a home, or nothing when disabled", () => {
    const home = tempDir();
    const local = computeLogManagerFor(home, undefined) as LocalComputeLogManager;
    expect(local.directory).toBe(join(home, "storage", "compute_logs"));
    expect((computeLogManagerFor(home, { directory: "logs", maxBytesPerStep: 5 }) as LocalComputeLogManager).directory).toBe(join(home, "logs"));
    expect(computeLogManagerFor(undefined, undefined)).toBeInstanceOf(InMemoryComputeLogManager);
    expect(computeLogManagerFor(home, { enabled: false })).toBeInstanceOf(NoOpComputeLogManager);
    const sink = local.openStep("r", "s");
    sink.write("stdout", bytes("x"));
    sink.close();
    expect(readdirSync(join(home, "storage", "compute_logs", "r"))).toEqual(["s.out"]);
  });
});
