import { describe, expect, it } from "vitest";
import { RetryPolicy, asset } from "../definitions/index.js";
import { materialize } from "../code-location/index.js";
import { Instance, NoOpComputeLogManager } from "../instance/index.js";
import { SqliteStorage } from "../storage/index.js";

/** Resolves once `count` callers have arrived: proof that steps overlap, without timing. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived === count) open();
    return opened;
  };
}

describe("compute log capture", () => {
  it("keeps each of two concurrent steps' stdout and stderr apart, and records LOGS_CAPTURED once per step", async () => {
    const instance = Instance.ephemeral();
    const meet = barrier(2);
    const writer = (name: string) =>
      asset(name, async () => {
        // process.stdout.write: vitest replaces console with its own, which bypasses it (the CLI tests use console.log).
        process.stdout.write(`${name} 1\n`);
        await meet();
        process.stdout.write(`${name} 2\n`);
        await new Promise((resolve) => setImmediate(resolve));
        process.stderr.write(Buffer.from(`${name} err\n`));
        return name;
      });
    const a = writer("a");
    const b = writer("b");
    const quiet = asset({ name: "quiet", deps: [a, b] }, () => 1);
    const result = await materialize([a, b, quiet], { instance });
    expect(result.success).toBe(true);
    const logs = instance.computeLogs;
    for (const name of ["a", "b"]) {
      expect(logs.read(result.runId, name, "stdout").data).toBe(`${name} 1\n${name} 2\n`);
      expect(logs.read(result.runId, name, "stderr").data).toBe(`${name} err\n`);
    }
    expect(logs.has(result.runId, "quiet")).toBe(false);
    const captured = result.allEvents.filter((e) => e.eventType === "LOGS_CAPTURED");
    expect(captured.map((e) => e.stepKey).sort()).toEqual(["a", "b"]);
    expect(captured[0]?.data).toMatchObject({ fileKey: expect.any(String), stepKeys: [captured[0]?.stepKey], logKey: [result.runId, "compute_logs", captured[0]?.stepKey] });
    // Deleting the run deletes its compute logs.
    await instance.deleteRun(result.runId);
    expect(logs.has(result.runId, "a")).toBe(false);
  });

  it("keeps a failing step's output and the retries' output in one log", async () => {
    const instance = Instance.ephemeral();
    let calls = 0;
    const flaky = asset({ name: "flaky", retryPolicy: new RetryPolicy({ maxRetries: 1 }) }, () => {
      process.stderr.write(`attempt ${++calls}\n`);
      if (calls < 2) throw new Error("first time fails");
      return 1;
    });
    const result = await materialize([flaky], { instance, raiseOnError: false });
    expect(result.success).toBe(true);
    expect(instance.computeLogs.read(result.runId, "flaky", "stderr").data).toBe("attempt 1\nattempt 2\n");
  });

  it("captures nothing, and records no event, when the instance's manager is disabled", async () => {
    const instance = new Instance(new SqliteStorage(":memory:"), { computeLogs: new NoOpComputeLogManager() });
    const result = await materialize([asset("a", () => (process.stdout.write("hello\n"), 1))], { instance });
    expect(result.allEvents.some((e) => e.eventType === "LOGS_CAPTURED")).toBe(false);
  });
});
