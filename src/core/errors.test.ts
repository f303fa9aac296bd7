import { describe, expect, it } from "vitest";
import {
  BackfillNotFoundError,
  CodeLocationError,
  InstanceError,
  InvalidDefinitionError,
  MissingDefsExportError,
  TesseraError,
  TesseraErrorCode,
  UnknownAssetError,
  errorBrandOf,
} from "./errors.js";

type ErrorsModule = typeof import("./errors.js");

/** The errors module as a second copy of Tessera in the process would load it: the same source, evaluated again. */
async function secondCopy(): Promise<ErrorsModule> {
  const specifier = "./errors.js?copy=2";
  return (await import(/* @vite-ignore */ specifier)) as ErrorsModule;
}

describe("TesseraErrorCode", () => {
  it("maps each code to itself, and every error's code is one of them", () => {
    for (const [name, code] of Object.entries(TesseraErrorCode)) expect(code).toBe(name);
    const codes = new Set<string>(Object.values(TesseraErrorCode));
    expect(codes.has(new UnknownAssetError("a", "no").code)).toBe(true);
    expect(codes.has(new BackfillNotFoundError("b1").code)).toBe(true);
  });
});

describe("instanceof across copies of Tessera", () => {
  it("a second copy's errors are separate classes that still pass instanceof", async () => {
    const other = await secondCopy();
    expect(other.UnknownAssetError).not.toBe(UnknownAssetError);
    const foreign = new other.UnknownAssetError("orders", "unknown asset orders");
    expect(Object.getPrototypeOf(foreign)).not.toBe(UnknownAssetError.prototype);
    expect(foreign instanceof UnknownAssetError).toBe(true);
    expect(foreign instanceof TesseraError).toBe(true);
    expect(foreign instanceof InvalidDefinitionError).toBe(false);
    expect(foreign).toBeInstanceOf(UnknownAssetError);
    expect(() => {
      throw foreign;
    }).toThrow(UnknownAssetError);
    // And the other way round: this copy's error in the other copy's eyes.
    expect(new UnknownAssetError("a", "m") instanceof other.UnknownAssetError).toBe(true);
    expect(new other.BackfillNotFoundError("b1") instanceof InstanceError).toBe(true);
  });

  it("a structurally separate class with the same brand passes instanceof", () => {
    // What another copy declares: its own TesseraError and UnknownAssetError, built with the same mechanism.
    class ForeignBase extends Error {
      constructor(message: string) {
        super(message);
        const brands: symbol[] = [];
        for (let c: unknown = new.target; typeof c === "function" && c !== Error; c = Object.getPrototypeOf(c)) brands.push(Symbol.for(`tessera.error.${(c as { name: string }).name}`));
        Object.defineProperty(this, Symbol.for("tessera.error.brands"), { value: brands });
      }
    }
    const TesseraErrorCopy = { TesseraError: class extends ForeignBase {} }.TesseraError;
    Object.defineProperty(TesseraErrorCopy, "name", { value: "TesseraError" });
    class UnknownAssetErrorCopy extends TesseraErrorCopy {}
    Object.defineProperty(UnknownAssetErrorCopy, "name", { value: "UnknownAssetError" });

    const foreign = new UnknownAssetErrorCopy("unknown asset");
    expect(foreign instanceof UnknownAssetError).toBe(true);
    expect(foreign instanceof TesseraError).toBe(true);
    expect(foreign instanceof CodeLocationError).toBe(false);
    expect(errorBrandOf(UnknownAssetError)).toBe(Symbol.for("tessera.error.UnknownAssetError"));
  });

  it("an unrelated Error, or a value that is no error, does not", async () => {
    const other = await secondCopy();
    for (const value of [new Error("plain"), new TypeError("type"), { code: "UNKNOWN_ASSET", message: "look-alike" }, "UNKNOWN_ASSET", null, undefined, 42]) {
      expect(value instanceof TesseraError).toBe(false);
      expect(value instanceof UnknownAssetError).toBe(false);
      expect(value instanceof other.TesseraError).toBe(false);
    }
    class Unrelated extends Error {}
    expect(new Unrelated("x") instanceof TesseraError).toBe(false);
  });

  it("keeps subclass and superclass relations", async () => {
    const other = await secondCopy();
    const unknown = new UnknownAssetError("a", "m");
    const base = new TesseraError("INVALID_DEFINITION", "m");
    expect(unknown instanceof TesseraError).toBe(true);
    expect(unknown instanceof Error).toBe(true);
    expect(base instanceof UnknownAssetError).toBe(false);
    expect(new other.TesseraError("INVALID_DEFINITION", "m") instanceof UnknownAssetError).toBe(false);
    expect(new InvalidDefinitionError("m") instanceof UnknownAssetError).toBe(false);

    const missing = new MissingDefsExportError("/m.ts", "no defs", ["orders"]);
    expect(missing instanceof CodeLocationError).toBe(true);
    expect(missing instanceof TesseraError).toBe(true);
    expect(missing.code).toBe("CODE_LOCATION_NO_DEFS");
    expect(new CodeLocationError("/m.ts", "m") instanceof MissingDefsExportError).toBe(false);

    const backfill = new BackfillNotFoundError("b1");
    expect(backfill instanceof InstanceError).toBe(true);
    expect(backfill).toMatchObject({ code: "BACKFILL_NOT_FOUND", backfillId: "b1", location: "b1", name: "BackfillNotFoundError" });
    expect(new InstanceError("INSTANCE_CLOSED", "x", "m") instanceof BackfillNotFoundError).toBe(false);
  });

  it("leaves the brands out of what is enumerated or serialized", () => {
    const error = new UnknownAssetError("a", "m", ["b"]);
    expect(Object.keys(error)).toEqual(["code", "name", "assetKey", "suggestions"]);
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: "UNKNOWN_ASSET", name: "UnknownAssetError", assetKey: "a", suggestions: ["b"] });
  });
});
