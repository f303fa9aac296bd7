import { describe, expect, it } from "vitest";
import { AssetKey } from "./asset-key.js";
import { InvalidAssetKeyError } from "./errors.js";

describe("AssetKey", () => {
  it("is made from one segment or a path and prints as a/b", () => {
    expect(new AssetKey("orders").toString()).toBe("orders");
    expect(new AssetKey(["raw", "orders"]).toString()).toBe("raw/orders");
    expect(new AssetKey(["raw", "orders"]).path).toEqual(["raw", "orders"]);
  });

  it("coerces strings (split on /), arrays and keys with from()", () => {
    const key = AssetKey.from("raw/orders");
    expect(key.path).toEqual(["raw", "orders"]);
    expect(AssetKey.from(["raw", "orders"]).equals(key)).toBe(true);
    expect(AssetKey.from(key)).toBe(key);
  });

  it("has value semantics: equal keys are equal and share a string form usable as a map key", () => {
    const a = new AssetKey(["x", "y"]);
    const b = AssetKey.from("x/y");
    expect(a).not.toBe(b);
    expect(a.equals(b)).toBe(true);
    expect(a.equals("x/y")).toBe(true);
    expect(a.equals(null)).toBe(false);
    const map = new Map([[a.toString(), 1]]);
    expect(map.get(b.toString())).toBe(1);
  });

  it("adds a prefix with withPrefix and exposes the op name form", () => {
    const key = new AssetKey("orders").withPrefix(["warehouse", "raw"]);
    expect(key.toString()).toBe("warehouse/raw/orders");
    expect(key.toPythonIdentifier()).toBe("warehouse__raw__orders");
    expect(key.name).toBe("orders");
    expect(key.hasPrefix(["warehouse"])).toBe(true);
    expect(key.hasPrefix(["raw"])).toBe(false);
  });

  it("is immutable", () => {
    const key = new AssetKey(["a", "b"]);
    expect(() => (key.path as string[]).push("c")).toThrow();
    expect(Object.isFrozen(key)).toBe(true);
  });

  it.each([
    [[], "at least one segment"],
    ["", "cannot be empty"],
    [["a", ""], "segment is empty"],
    ["orders table", '" "'],
    [["raw", "or*ders"], '"*"'],
    ["a,b", '","'],
  ])("rejects %j naming the problem", (value, fragment) => {
    expect(() => AssetKey.from(value as string)).toThrow(InvalidAssetKeyError);
    expect(() => AssetKey.from(value as string)).toThrow(fragment);
  });

  it("points a constructor call with a slash to from()", () => {
    expect(() => new AssetKey("raw/orders")).toThrow(/AssetKey\.from\("a\/b"\)/);
  });

  it("gives a stable error code", () => {
    try {
      new AssetKey("bad key");
    } catch (error) {
      expect((error as InvalidAssetKeyError).code).toBe("INVALID_ASSET_KEY");
      expect((error as Error).name).toBe("InvalidAssetKeyError");
    }
    expect.assertions(2);
  });
});
