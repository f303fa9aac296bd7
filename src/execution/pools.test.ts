import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/index.js";
import { asset } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { Instance, type Settings } from "../instance/index.js";
import { SqliteStorage } from "../storage/index.js";
import { materializeDefinitions } from "./materialize.js";

function instanceWith(concurrency: Settings["concurrency"], clock = new ManualClock(1_700_000_000_000)): Instance {
  return new Instance(new SqliteStorage(":memory:"), { clock, settings: { concurrency } });
}

/** Assets of `pool` that stay in flight until released, counting how many run at once. */
function gatedAssets(names: readonly string[], pool: string | undefined) {
  let inFlight = 0;
  let most = 0;
  const waiting: (() => void)[] = [];
  const assets = names.map((name) =>
    asset({ name, ...(pool ? { pool } : {}) }, async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight--;
      return name;
    }),
  );
  return {
    assets,
    most: () => most,
    async releaseAll(expected: number) {
      // A step is let go once it is in flight; the pool lets the next one in.
      for (let released = 0; released < expected; ) {
        const next = waiting.shift();
        if (next) {
          next();
          released++;
        } else await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
  };
}

describe("concurrency pools", () => {
  it("run at most the pool's limit of its steps at once, across runs; other steps are not held back", async () => {
    const instance = instanceWith({ pools: { warehouse: 2 } });
    const gated = gatedAssets(["a", "b", "c", "d", "e"], "warehouse");
    const free = gatedAssets(["x", "y", "z"], undefined);
    const defs = new Definitions({ assets: [...gated.assets, ...free.assets] });
    const runs = [
      materializeDefinitions(defs, "a,b,c", { instance }),
      materializeDefinitions(defs, "d,e,x,y,z", { instance }),
    ];
    await Promise.all([gated.releaseAll(5), free.releaseAll(3)]);
    const results = await Promise.all(runs);
    expect(results.map((r) => r.success)).toEqual([true, true]);
    expect(gated.most()).toBe(2);
    expect(free.most()).toBe(3);
    const waits = (await instance.allLogs(results[0]?.runId as string)).concat(await instance.allLogs(results[1]?.runId as string)).filter((e) => e.eventType === "ENGINE_EVENT" && /waits for a slot/.test(e.message ?? ""));
    expect(waits.length).toBeGreaterThan(0);
    expect(waits[0]?.message).toMatch(/^Step "[a-e]" waits for a slot of pool "warehouse" \(limit 2\)\.$/);
  });

  it("use defaultPoolLimit for pools not listed, and leave steps without a pool alone", async () => {
    const instance = instanceWith({ defaultPoolLimit: 1 });
    const gated = gatedAssets(["a", "b", "c"], "api");
    const defs = new Definitions({ assets: gated.assets });
    const run = materializeDefinitions(defs, "*", { instance });
    await gated.releaseAll(3);
    expect((await run).success).toBe(true);
    expect(gated.most()).toBe(1);
  });

  it("take over a slot whose holder stopped renewing it", async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const instance = instanceWith({ pools: { warehouse: 1 } }, clock);
    await instance.storage.acquireLease("pool:warehouse:0", "dead-run/step", clock.now(), 15_000);
    const defs = new Definitions({ assets: [asset({ name: "load", pool: "warehouse" }, () => 1)] });
    const run = materializeDefinitions(defs, "load", { instance });
    const waitingFor = async (): Promise<void> => {
      for (;;) {
        const runs = await instance.getRuns();
        const logs = runs[0] ? await instance.allLogs(runs[0].runId) : [];
        if (logs.some((e) => /waits for a slot/.test(e.message ?? ""))) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    await waitingFor();
    clock.advance(15_000);
    expect((await run).success).toBe(true);
    expect(await instance.storage.getLease("pool:warehouse:0")).toBeUndefined();
  });

  it("stop a waiting step when its run is canceled", async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const instance = instanceWith({ pools: { warehouse: 1 } }, clock);
    await instance.storage.acquireLease("pool:warehouse:0", "other-run/step", clock.now(), 60_000);
    const defs = new Definitions({ assets: [asset({ name: "load", pool: "warehouse" }, () => 1)] });
    const controller = new AbortController();
    const run = materializeDefinitions(defs, "load", { instance, signal: controller.signal, raiseOnError: false });
    for (;;) {
      const [record] = await instance.getRuns();
      if (record && (await instance.allLogs(record.runId)).some((e) => /waits for a slot/.test(e.message ?? ""))) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort();
    const result = await run;
    expect(result.run.status).toBe("CANCELED");
    expect(result.getStepFailureEvents()[0]?.message).toBe('Step "load" was canceled while it waited for a slot of pool "warehouse".');
  });

  it("reject a pool limit below 1 in tessera.yaml's concurrency settings", async () => {
    const { settingsSchemas } = await import("../instance/settings.js");
    expect(settingsSchemas().settingsSchema.safeParse({ concurrency: { pools: { warehouse: 0 } } }).success).toBe(false);
  });
});
