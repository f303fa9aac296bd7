import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigValidationError, ManualClock, MissingAssetValueError, MissingResourceError, OutputTypeCheckError, UnknownAssetError } from "../core/index.js";
import { AssetObservation, AssetSpec, MaterializeResult, RetryPolicy, asset, inProcessExecutor, resource } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { BackfillPolicy, StaticPartitionsDefinition } from "../partitions/index.js";
import { materialize } from "../code-location/index.js";

describe("materialize()", () => {
  it("computes assets in dependency order, passing each value downstream, and records the run", async () => {
    const instance = Instance.ephemeral();
    const order: string[] = [];
    const orders = asset("orders", () => (order.push("orders"), [10, 20, 30]));
    const total = asset({ name: "total", ins: { orders } }, (_ctx, { orders }) => (order.push("total"), orders.reduce((a, b) => a + b, 0)));
    const report = asset({ name: "report", ins: { total, orders } }, (_ctx, { total, orders }) => (order.push("report"), `${orders.length} orders, ${total}`));
    const result = await materialize([report, total, orders], { instance });
    expect(result.success).toBe(true);
    expect(order).toEqual(["orders", "total", "report"]);
    expect(result.assetValue("report")).toBe("3 orders, 60");
    expect(result.outputForNode("total")).toBe(60);
    expect(result.materializedKeys.map(String)).toEqual(["orders", "total", "report"]);
    const run = await instance.getRunById(result.runId);
    expect(run?.status).toBe("SUCCESS");
    expect(run?.assetSelection).toEqual(["orders", "total", "report"]);
    const logs = await instance.allLogs(result.runId);
    expect(logs.map((e) => e.eventType)).toContain("RUN_SUCCESS");
    expect((await instance.getLatestMaterializationEvent("report"))?.runId).toBe(result.runId);
  });

  it("records a MaterializeResult's metadata and tags, and stores its value only when given", async () => {
    const instance = Instance.ephemeral();
    const a = asset("a", () => new MaterializeResult({ value: [1, 2], metadata: { rows: 2 }, tags: { source: "api" } }));
    const b = asset({ name: "b", deps: [a] }, () => new MaterializeResult({ metadata: { note: "recorded only" } }));
    const result = await materialize([a, b], { instance });
    const [ma, mb] = result.getAssetMaterializationEvents();
    expect(ma?.metadata?.rows).toEqual({ type: "int", value: 2 });
    expect(ma?.tags).toMatchObject({ source: "api" });
    expect(mb?.metadata?.note).toEqual({ type: "text", value: "recorded only" });
    expect(result.assetValue("a")).toEqual([1, 2]);
    expect(() => result.assetValue("b")).toThrow(/produced no value for asset "b"/);
    expect(result.allEvents.filter((e) => e.eventType === "HANDLED_OUTPUT").map((e) => e.assetKey?.toString())).toEqual(["a"]);
  });

  it("records the code version on each materialization", async () => {
    const result = await materialize([asset({ name: "a", codeVersion: "v3" }, () => 1)]);
    expect(result.getAssetMaterializationEvents()[0]?.tags?.["tessera/code_version"]).toBe("v3");
  });

  it("takes results and observations yielded by an async generator", async () => {
    const a = asset("a", async function* () {
      yield new AssetObservation({ assetKey: "vendor_feed", metadata: { files: 3 } });
      yield new MaterializeResult({ value: 42, metadata: { rows: 1 } });
    });
    const result = await materialize([a]);
    expect(result.getAssetObservationEvents()[0]).toMatchObject({ assetKey: expect.anything(), metadata: { files: { type: "int", value: 3 } } });
    expect(result.assetValue("a")).toBe(42);
  });

  it("fails a generator that yields something other than a result", async () => {
    const a = asset("a", async function* () {
      yield 42 as unknown as MaterializeResult<number>;
    });
    const result = await materialize([a], { raiseOnError: false });
    expect(result.getStepFailureEvents()[0]?.message).toMatch(/yielded a number \(42\).*Return a plain value/);
  });

  it("fails the step with the error and its stack, skips downstream steps and ends the run FAILURE", async () => {
    const instance = Instance.ephemeral();
    const a = asset("a", () => 1);
    const broken = asset({ name: "broken", ins: { a } }, () => {
      throw new TypeError("orders.csv has no header row");
    });
    const after = asset({ name: "after", ins: { broken } }, () => 2);
    const afterAfter = asset({ name: "after_after", deps: [after] }, () => 3);
    const result = await materialize([a, broken, after, afterAfter], { instance, raiseOnError: false });
    expect(result.success).toBe(false);
    const failure = result.getStepFailureEvents()[0];
    expect(failure?.stepKey).toBe("broken");
    expect(failure?.error).toMatchObject({ name: "TypeError", message: "orders.csv has no header row" });
    expect(failure?.error?.stack).toContain("materialize.test.ts");
    expect(result.getStepSkippedEvents().map((e) => e.stepKey)).toEqual(["after", "after_after"]);
    const run = await instance.getRunById(result.runId);
    expect(run?.status).toBe("FAILURE");
    expect(run?.failureReason).toMatch(/"broken" failed/);
    expect((await instance.getLatestMaterializationEvent("a"))?.runId).toBe(result.runId);
  });

  it("rejects with the step's own error by default, after recording the run", async () => {
    const instance = Instance.ephemeral();
    const a = asset("a", () => {
      throw new RangeError("boom");
    });
    await expect(materialize([a], { instance })).rejects.toThrow(RangeError);
    const [run] = await instance.getRuns();
    expect(run?.status).toBe("FAILURE");
  });

  it("skips downstream of an asset that produced no output when outputRequired is false", async () => {
    const maybe = asset({ name: "maybe", outputRequired: false }, () => undefined);
    const downstream = asset({ name: "downstream", ins: { maybe } }, () => 1);
    const result = await materialize([maybe, downstream]);
    expect(result.success).toBe(true);
    expect(result.materializedKeys).toEqual([]);
    expect(result.getStepSkippedEvents()[0]?.message).toMatch(/"maybe" was not materialized/);
  });

  it("fails an asset whose generator yields nothing when output is required", async () => {
    const a = asset("a", async function* () {});
    const result = await materialize([a], { raiseOnError: false });
    expect(result.getStepFailureEvents()[0]?.message).toMatch(/yielded no MaterializeResult.*outputRequired: false/);
  });

  it("retries a failing compute per its RetryPolicy, waiting on the injected clock", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const instance = Instance.ephemeral({ clock });
    let attempts = 0;
    const flaky = asset({ name: "flaky", retryPolicy: new RetryPolicy({ maxRetries: 3, delay: 10 }) }, (ctx) => {
      attempts++;
      if (ctx.retryNumber < 2) throw new Error(`attempt ${ctx.retryNumber} failed`);
      return "ok";
    });
    const running = materialize([flaky], { instance });
    await until(() => clock.pendingSleeps === 1);
    clock.advance(9_999);
    await new Promise((r) => setImmediate(r));
    expect(attempts).toBe(1);
    clock.advance(1);
    await until(() => clock.pendingSleeps === 1 && attempts === 2);
    clock.advance(10_000);
    const result = await running;
    expect(result.assetValue("flaky")).toBe("ok");
    expect(attempts).toBe(3);
    const types = result.allEvents.filter((e) => e.stepKey === "flaky").map((e) => e.eventType);
    expect(types).toEqual(["STEP_START", "STEP_UP_FOR_RETRY", "STEP_RESTARTED", "STEP_UP_FOR_RETRY", "STEP_RESTARTED", "HANDLED_OUTPUT", "ASSET_MATERIALIZATION", "STEP_SUCCESS"]);
  });

  it("fails the step once retries are exhausted", async () => {
    let attempts = 0;
    const a = asset({ name: "a", retryPolicy: new RetryPolicy({ maxRetries: 2 }) }, () => {
      attempts++;
      throw new Error("still down");
    });
    const result = await materialize([a], { raiseOnError: false, clock: new ManualClock(0, { autoAdvance: true }) });
    expect(attempts).toBe(3);
    expect(result.getStepFailureEvents()[0]?.attempt).toBe(2);
  });

  it("fails a value that fails the asset's zod type, without retrying", async () => {
    let attempts = 0;
    const a = asset({ name: "a", type: z.array(z.number()), retryPolicy: new RetryPolicy({ maxRetries: 3 }) }, () => {
      attempts++;
      return ["x"] as unknown as number[];
    });
    await expect(materialize([a])).rejects.toThrow(OutputTypeCheckError);
    expect(attempts).toBe(1);
  });

  it("checks the value with a predicate type, reporting its message", async () => {
    const a = asset({ name: "a", type: (v: unknown) => (Array.isArray(v) && v.length > 0) || "expected a non-empty list" }, () => []);
    await expect(materialize([a])).rejects.toThrow(/expected a non-empty list/);
  });

  it("stores ctx.log lines with their fields in the event log", async () => {
    const instance = Instance.ephemeral();
    const a = asset("a", (ctx) => {
      ctx.log.info("loaded rows", { rows: 3 });
      ctx.log.warn("2 rows dropped");
      return 1;
    });
    const result = await materialize([a], { instance });
    const logs = await instance.allLogs(result.runId, { ofType: "LOG_MESSAGE" });
    expect(logs.map((l) => [l.level, l.message, l.data])).toEqual([
      ["info", "loaded rows", { rows: 3 }],
      ["warn", "2 rows dropped", undefined],
    ]);
  });

  it("gives the compute its run id, key, op name, retry number and run tags", async () => {
    let seen: Record<string, unknown> = {};
    const a = asset({ key: ["sales", "orders"] }, (ctx) => {
      seen = { runId: ctx.runId, key: ctx.assetKey.toString(), op: ctx.opName, retry: ctx.retryNumber, tags: ctx.runTags, selected: ctx.selectedAssetKeys.map(String) };
      return 1;
    });
    const result = await materialize([a], { tags: { team: "sales" } });
    expect(seen).toEqual({ runId: result.runId, key: "sales/orders", op: "sales__orders", retry: 0, tags: { team: "sales" }, selected: ["sales/orders"] });
  });

  it("parses config with the asset's zod schema, applying defaults", async () => {
    const seen: unknown[] = [];
    const a = asset({ name: "a", config: z.object({ limit: z.number().int().default(10), currency: z.string().default("EUR") }) }, (ctx) => {
      seen.push(ctx.config);
      return 1;
    });
    await materialize([a]);
    await materialize([a], { runConfig: { ops: { a: { config: { limit: 5 } } } } });
    expect(seen).toEqual([{ limit: 10, currency: "EUR" }, { limit: 5, currency: "EUR" }]);
  });

  it("rejects config failing its schema with the config path, before recording anything", async () => {
    const instance = Instance.ephemeral();
    const a = asset({ name: "a", config: z.object({ limit: z.number().int() }) }, () => 1);
    const attempt = materialize([a], { instance, runConfig: { ops: { a: { config: { limit: "ten" } } } } });
    await expect(attempt).rejects.toThrow(ConfigValidationError);
    await expect(materialize([a], { instance, runConfig: { ops: { a: { config: { limit: "ten" } } } } })).rejects.toThrow(/at ops\.a\.config\.limit/);
    await expect(materialize([a], { instance, runConfig: { ops: { b: { config: {} } } } })).rejects.toThrow(/ops\.b: no selected asset or check has op "b"/);
    await expect(materialize([a], { instance, runConfig: { opz: {} } })).rejects.toThrow(/Invalid config for the run/);
    expect(await instance.getRuns()).toEqual([]);
  });

  it("ignores config for ops of defined assets this run does not select, as the reference's asset job subsets do", async () => {
    const seen: unknown[] = [];
    const a = asset({ name: "a", config: z.object({ limit: z.number() }) }, (ctx) => (seen.push(ctx.config), 1));
    const b = asset({ name: "b", config: z.object({ label: z.string() }) }, () => 2);
    const runConfig = { ops: { a: { config: { limit: 1 } }, b: { config: { label: "x" } } } };
    const result = await materialize([a, b], { selection: ["a"], runConfig });
    expect(result.success).toBe(true);
    expect(seen).toEqual([{ limit: 1 }]);
    expect(result.run.runConfig).toEqual(runConfig);
  });

  it("sets resources up once per run and tears them down in reverse order, even after a failure", async () => {
    const lifecycle: string[] = [];
    const warehouse = resource({
      config: z.object({ schema: z.string() }),
      setup: ({ config }) => (lifecycle.push(`setup warehouse ${config.schema}`), { schema: config.schema }),
      teardown: () => void lifecycle.push("teardown warehouse"),
    });
    const api = resource({ setup: () => (lifecycle.push("setup api"), { token: "t" }), teardown: () => void lifecycle.push("teardown api") });
    const a = asset({ name: "a", resources: { warehouse, api } }, (ctx) => ctx.resources.warehouse.schema);
    const b = asset({ name: "b", ins: { a }, requiredResourceKeys: ["api"] }, () => {
      throw new Error("fail after setup");
    });
    const result = await materialize([a, b], {
      resources: { warehouse: warehouse.configured({ schema: "staging" }), api },
      runConfig: { resources: { warehouse: { config: { schema: "prod" } } } },
      raiseOnError: false,
    });
    expect(result.assetValue("a")).toBe("prod");
    expect(lifecycle).toEqual(["setup warehouse prod", "setup api", "teardown api", "teardown warehouse"]);
  });

  it("fails the run, naming the resource, when a resource's setup throws", async () => {
    const instance = Instance.ephemeral();
    const db = resource({ setup: () => Promise.reject(new Error("connection refused")) });
    const a = asset({ name: "a", requiredResourceKeys: ["db"] }, () => 1);
    const result = await materialize([a], { instance, resources: { db }, raiseOnError: false });
    expect(result.success).toBe(false);
    expect((await instance.getRunById(result.runId))?.failureReason).toMatch(/Resource "db" failed to set up: connection refused/);
  });

  it("rejects a missing resource before any run is recorded", async () => {
    const instance = Instance.ephemeral();
    const a = asset({ name: "a", requiredResourceKeys: ["warehouse"] }, () => 1);
    await expect(materialize([a], { instance })).rejects.toThrow(MissingResourceError);
    expect(await instance.getRuns()).toEqual([]);
  });

  it("fails a step whose typed resource is of the wrong class", async () => {
    class Warehouse {}
    const a = asset({ name: "a", resources: { db: Warehouse } }, () => 1);
    await expect(materialize([a], { resources: { db: { query() {} } } })).rejects.toThrow(/expects resource "db" to be a Warehouse/);
  });

  it("runs independent async computes concurrently, never more than maxConcurrent", async () => {
    let running = 0;
    let peak = 0;
    const assets = Array.from({ length: 6 }, (_, i) =>
      asset(`a${i}`, async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setImmediate(r));
        running--;
        return i;
      }),
    );
    const defs = new Definitions({ assets, executor: inProcessExecutor({ maxConcurrent: 2 }) });
    await defs.materialize();
    expect(peak).toBe(2);
    await materialize(assets, { executor: inProcessExecutor({ maxConcurrent: 4 }) });
    expect(peak).toBe(4);
  });

  it("materializes a selection, loading unselected upstreams from their IO manager", async () => {
    const instance = Instance.ephemeral();
    let computedOrders = 0;
    const orders = asset("orders", () => (computedOrders++, [1, 2, 3]));
    const count = asset({ name: "count", ins: { orders } }, (_ctx, { orders }) => orders.length);
    const defs = new Definitions({ assets: [orders, count] });
    await defs.materialize(undefined, { instance });
    const result = await defs.materialize("count", { instance });
    expect(computedOrders).toBe(1);
    expect(result.assetValue("count")).toBe(3);
    expect(result.allEvents.find((e) => e.eventType === "LOADED_INPUT")?.message).toMatch(/ioManager/);
  });

  it("fails the step with a clear message when an unselected upstream was never materialized", async () => {
    const orders = asset("orders", () => [1]);
    const count = asset({ name: "count", ins: { orders } }, (_ctx, { orders }) => orders.length);
    await expect(materialize([orders, count], { selection: ["count"] })).rejects.toThrow(/No value for asset "orders"/);
  });

  it("rejects an unknown key in the selection with did-you-mean", async () => {
    const orders = asset("orders", () => [1]);
    await expect(materialize([orders], { selection: "ordres" })).rejects.toThrow(UnknownAssetError);
    await expect(materialize([orders], { selection: "ordres" })).rejects.toThrow(/Did you mean "orders"/);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setImmediate(r));
  if (!condition()) throw new Error("condition never became true");
}

describe("canceling a run", () => {
  it("starts no further step, lets running ones finish, skips the rest and records CANCELED", async () => {
    const instance = Instance.ephemeral();
    const cancel = new AbortController();
    const first = asset("first", async () => {
      cancel.abort();
      await new Promise((r) => setImmediate(r));
      return 1;
    });
    const second = asset({ name: "second", ins: { first } }, () => 2);
    const third = asset({ name: "third", deps: [second] }, () => 3);
    const result = await materialize([first, second, third], { instance, signal: cancel.signal });
    expect(result.success).toBe(false);
    expect(result.materializedKeys.map(String)).toEqual(["first"]);
    expect(result.getStepSkippedEvents().map((e) => e.stepKey)).toEqual(["second", "third"]);
    expect((await instance.getRunById(result.runId))?.status).toBe("CANCELED");
    expect(result.allEvents.map((e) => e.eventType)).toContain("RUN_CANCELING");
  });

  it("lists the planned steps on RUN_START and names the upstream step of a skip", async () => {
    const a = asset("a", () => {
      throw new Error("no");
    });
    const b = asset({ name: "b", ins: { a } }, () => 1);
    const result = await materialize([a, b], { raiseOnError: false });
    expect(result.allEvents[0]?.data).toEqual({ stepKeys: ["a", "b"] });
    expect(result.getStepSkippedEvents()[0]?.data).toEqual({ upstreamStep: "a" });
  });
});

describe("data versions", () => {
  const dataVersion = (result: Awaited<ReturnType<typeof materialize>>, key: string): string | undefined =>
    result.getAssetMaterializationEvents().find((e) => e.assetKey?.toString() === key)?.tags?.["tessera/data_version"];

  it("derives the same data version from the same code version and inputs, and a new one when either changes", async () => {
    const instance = Instance.ephemeral();
    const source = asset({ name: "source", codeVersion: "1" }, () => 1);
    const derived = asset({ name: "derived", ins: { source }, codeVersion: "1" }, (_ctx, { source }) => source + 1);
    const first = await materialize([source, derived], { instance });
    const second = await materialize([source, derived], { instance });
    expect(dataVersion(first, "derived")).toMatch(/^[0-9a-f]{64}$/);
    expect(dataVersion(second, "derived")).toBe(dataVersion(first, "derived"));
    const newCode = asset({ name: "derived", ins: { source }, codeVersion: "2" }, (_ctx, { source }) => source + 1);
    const third = await materialize([source, newCode], { instance });
    expect(dataVersion(third, "derived")).not.toBe(dataVersion(first, "derived"));
  });

  it("uses the run id as the code version of assets without one, so each run makes a new version", async () => {
    const a = asset("a", () => 1);
    const first = await materialize([a]);
    const second = await materialize([a]);
    expect(first.getAssetMaterializationEvents()[0]?.tags?.["tessera/code_version"]).toBe(first.runId);
    expect(dataVersion(first, "a")).not.toBe(dataVersion(second, "a"));
  });

  it("records a user-given data version and the input versions each materialization used", async () => {
    const instance = Instance.ephemeral();
    const vendor = new AssetSpec("vendor_feed");
    const upstream = asset({ name: "upstream", deps: [vendor] }, () => new MaterializeResult({ value: 1, dataVersion: "2026-11-01" }));
    const downstream = asset({ name: "downstream", ins: { upstream }, codeVersion: "v1" }, () => 2);
    await materialize([vendor, upstream, downstream], { instance, selection: ["upstream"] });
    const result = await materialize([vendor, upstream, downstream], { instance, selection: ["downstream"] });
    const tags = result.getAssetMaterializationEvents()[0]?.tags ?? {};
    expect(tags["tessera/input_data_version/upstream"]).toBe("2026-11-01");
    const first = await instance.getLatestMaterializationEvent("upstream");
    expect(first?.tags?.["tessera/input_data_version/vendor_feed"]).toBe("INITIAL");
    expect(first?.tags?.["tessera/data_version"]).toBe("2026-11-01");
  });
});

describe("a compute that throws something other than an Error", () => {
  it("fails the run and rejects with a RunFailedError carrying what was thrown", async () => {
    const { RunFailedError } = await import("../core/index.js");
    const a = asset("a", () => {
      throw "the API said no";
    });
    const attempt = materialize([a]);
    await expect(attempt).rejects.toThrow(RunFailedError);
    await expect(materialize([a])).rejects.toMatchObject({ cause: "the API said no" });
    const result = await materialize([a], { raiseOnError: false });
    expect(result.getStepFailureEvents()[0]?.error).toMatchObject({ name: "NonErrorThrown", message: "the API said no" });
  });
});

describe("result.assetValue", () => {
  it("needs no partitionKey when the run computed exactly one partition of the asset", async () => {
    const regions = new StaticPartitionsDefinition(["eu", "us"]);
    const sales = asset({ name: "sales", partitionsDef: regions }, (ctx) => `sales of ${ctx.partitionKey}`);
    const result = await materialize([sales], { partitionKey: "us" });
    expect(result.assetValue(sales)).toBe("sales of us");
    expect(result.assetValue("sales", { partitionKey: "us" })).toBe("sales of us");
    expect(() => result.assetValue(sales, { partitionKey: "eu" })).toThrow(MissingAssetValueError);
  });

  it("asks for a partitionKey when the run computed several partitions, naming them", async () => {
    const regions = new StaticPartitionsDefinition(["eu", "us"]);
    const sales = asset({ name: "sales", partitionsDef: regions, backfillPolicy: BackfillPolicy.singleRun() }, (ctx) =>
      Object.fromEntries(ctx.partitionKeys.map((k) => [k, k.length])),
    );
    const result = await materialize([sales], { partitionKeyRange: { start: "eu", end: "us" } });
    expect(() => result.assetValue(sales)).toThrow(/2 partitions \(eu, us\): pass \{ partitionKey \}/);
    expect(result.assetValue(sales, { partitionKey: "us" })).toBe(2);
  });
});

describe("what a step sees of the steps before it in the same run", () => {
  it("finds their materializations stored in the instance", async () => {
    const instance = Instance.ephemeral();
    const up = asset("up", () => 1);
    let seen: unknown;
    const down = asset({ name: "down", deps: [up] }, async (ctx) => {
      seen = (await ctx.instance.getLatestMaterializationEvent("up"))?.runId;
      return 2;
    });
    const result = await materialize([up, down], { instance });
    expect(seen).toBe(result.runId);
  });
});
