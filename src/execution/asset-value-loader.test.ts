import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { asset, resource } from "../definitions/index.js";
import { Definitions } from "../code-location/index.js";
import { Instance } from "../instance/index.js";
import { FilesystemIOManager } from "./io-managers/filesystem-io-manager.js";

describe("loading asset values outside a run", () => {
  it("stores values under $TESSERA_HOME/storage by default and loads them back through the loader", async () => {
    const home = mkdtempSync(join(tmpdir(), "tessera-home-"));
    const orders = asset("orders", () => [{ id: 1 }, { id: 2 }]);
    const defs = new Definitions({ assets: [orders] });
    const instance = Instance.fromHome({ home });
    await defs.materialize(undefined, { instance });
    expect(existsSync(join(home, "storage", "orders"))).toBe(true);
    const loader = defs.getAssetValueLoader(instance);
    expect(await loader.loadAssetValue("orders")).toEqual([{ id: 1 }, { id: 2 }]);
    await loader.close();
    expect(await defs.loadAssetValue("orders", { instance })).toEqual([{ id: 1 }, { id: 2 }]);
    await instance.close();
  });

  it("uses the asset's own IO manager, configured with resourceConfig", async () => {
    const root = mkdtempSync(join(tmpdir(), "tessera-lake-"));
    const lake = resource({ config: z.object({ dir: z.string() }), setup: ({ config }) => new FilesystemIOManager({ baseDir: join(root, config.dir), format: "json" }) });
    const orders = asset({ name: "orders", ioManagerKey: "lake" }, () => [1, 2, 3]);
    const defs = new Definitions({ assets: [orders], resources: { lake } });
    const instance = Instance.ephemeral();
    await defs.materialize(undefined, { instance, runConfig: { resources: { lake: { config: { dir: "prod" } } } } });
    expect(await defs.loadAssetValue("orders", { instance, resourceConfig: { dir: "prod" } })).toEqual([1, 2, 3]);
    await expect(defs.loadAssetValue("orders", { instance, resourceConfig: { dir: "dev" } })).rejects.toThrow(/No stored value/);
  });

  it("checks the loaded value against a type", async () => {
    const orders = asset("orders", () => "not a list");
    const defs = new Definitions({ assets: [orders] });
    const instance = Instance.ephemeral();
    await defs.materialize(undefined, { instance });
    await expect(defs.loadAssetValue("orders", { instance, type: z.array(z.number()) })).rejects.toThrow(/failed its type check/);
  });

  it("names near matches for an unknown key", async () => {
    const defs = new Definitions({ assets: [asset("orders", () => 1)] });
    await expect(defs.loadAssetValue("order", { instance: Instance.ephemeral() })).rejects.toThrow(/Did you mean "orders"/);
  });
});
