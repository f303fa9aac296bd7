// Every kind of bad input is refused with a typed error naming the culprit, and nothing already recorded is lost.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AssetIn,
  ConfigValidationError,
  Definitions,
  DependencyCycleError,
  DuplicateAssetKeyError,
  InstanceError,
  InvalidAssetKeyError,
  MissingResourceError,
  UnknownAssetError,
  asset,
  materialize,
  Instance,
  type ExecuteResult,
} from "@tessera/core";

describe("bad input against an instance with history", () => {
  let home: string;
  let instance: Instance;
  let first: ExecuteResult;
  const orders = asset("orders", () => [{ id: 1, amount: 10 }]);
  const revenue = asset(
    { name: "revenue", ins: { orders }, config: z.object({ minAmount: z.number().nonnegative().default(0) }) },
    (ctx, { orders }) => orders.filter((o) => o.amount >= ctx.config.minAmount).reduce((sum, o) => sum + o.amount, 0),
  );

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), "tessera-bad-input-"));
    instance = Instance.fromHome({ home });
    first = await materialize([orders, revenue], { instance });
  });

  afterEach(async () => {
    // Whatever was refused, the first run and its materializations are still there, and still loadable.
    expect((await instance.getRunById(first.runId))?.status).toBe("SUCCESS");
    expect((await instance.getLatestMaterializationEvent("revenue"))?.runId).toBe(first.runId);
    expect((await instance.allLogs(first.runId)).length).toBe(first.allEvents.length);
    expect(await new Definitions({ assets: [orders, revenue] }).loadAssetValue("revenue", { instance })).toBe(10);
    await instance.close();
  });

  it("refuses invalid key characters, naming the segment", () => {
    expect(() => asset("daily revenue", () => 1)).toThrow(InvalidAssetKeyError);
    expect(() => asset("daily revenue", () => 1)).toThrow(/"daily revenue" contains " "/);
  });

  it("refuses two assets with one key", () => {
    expect(() => new Definitions({ assets: [orders, asset("orders", () => [])] })).toThrow(DuplicateAssetKeyError);
  });

  it("refuses a dependency cycle, naming its path", () => {
    const a = asset({ name: "a", deps: ["b"] }, () => 1);
    const b = asset({ name: "b", deps: ["a"] }, () => 1);
    expect(() => new Definitions({ assets: [a, b] })).toThrow(DependencyCycleError);
    expect(() => new Definitions({ assets: [a, b] })).toThrow(/a -> b -> a|b -> a -> b/);
  });

  it("suggests the defined key when an input names a near miss", () => {
    const typo = asset({ name: "report", ins: { revenue: new AssetIn({ key: "revenu" }) } }, () => 1);
    expect(() => new Definitions({ assets: [orders, revenue, typo] })).toThrow(UnknownAssetError);
    expect(() => new Definitions({ assets: [orders, revenue, typo] })).toThrow(/Did you mean "revenue"/);
  });

  it("gives the config path of a value failing its schema, and records no run", async () => {
    const before = (await instance.getRuns()).length;
    await expect(materialize([orders, revenue], { instance, runConfig: { ops: { revenue: { config: { minAmount: -5 } } } } })).rejects.toThrow(
      ConfigValidationError,
    );
    await expect(materialize([orders, revenue], { instance, runConfig: { ops: { revenue: { config: { minAmount: -5 } } } } })).rejects.toThrow(
      /ops\.revenue\.config\.minAmount/,
    );
    expect((await instance.getRuns()).length).toBe(before);
  });

  it("names a missing resource and the resources that exist", async () => {
    const needsDb = asset({ name: "needs_db", requiredResourceKeys: ["warehouse"] }, () => 1);
    await expect(materialize([needsDb], { instance, resources: { api: {} } })).rejects.toThrow(MissingResourceError);
  });

  it("refuses a corrupt instance file without touching it, while the real instance stays usable", () => {
    const other = mkdtempSync(join(tmpdir(), "tessera-corrupt-"));
    writeFileSync(join(other, "tessera.db"), "PK\u0003\u0004 this is a zip file, not a database");
    expect(() => Instance.fromHome({ home: other })).toThrow(InstanceError);
    expect(readFileSync(join(other, "tessera.db"), "utf8")).toBe("PK\u0003\u0004 this is a zip file, not a database");
  });

  it("records a failing run next to the earlier ones, without touching their materializations", async () => {
    const broken = asset({ name: "revenue", ins: { orders } }, () => {
      throw new Error("warehouse unreachable");
    });
    const failed = await materialize([orders, broken], { instance, selection: ["revenue"], raiseOnError: false });
    expect(failed.success).toBe(false);
    expect((await instance.getRuns()).map((r) => r.status)).toEqual(["FAILURE", "SUCCESS"]);
  });
});
