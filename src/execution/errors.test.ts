import { describe, expect, it } from "vitest";
import { InvalidDefinitionError, TesseraError } from "../core/index.js";
import { asset, resource } from "../definitions/index.js";
import { Instance } from "../instance/index.js";
import { materialize } from "../code-location/index.js";
import { InvalidExecutionOptionError, NothingToRunError } from "./errors.js";
import { ResourceSetupError, prepareResources, setUpResources } from "./resources.js";
import { parseRunConfig } from "../plan/index.js";

describe("run-time errors are not definition errors", () => {
  it("a selection that selects nothing is a NothingToRunError", async () => {
    const a = asset("a", () => 1);
    const error: unknown = await materialize([a], { instance: Instance.ephemeral(), selection: "tag:none=here" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NothingToRunError);
    expect(error).not.toBeInstanceOf(InvalidDefinitionError);
    expect(error).toMatchObject({ code: "NOTHING_TO_RUN" });
  });

  it("a partition for a run with nothing partitioned is an InvalidExecutionOptionError naming the option", async () => {
    const a = asset("a", () => 1);
    const error: unknown = await materialize([a], { instance: Instance.ephemeral(), partitionKey: "2024-01-01" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidExecutionOptionError);
    expect(error).toBeInstanceOf(TesseraError);
    expect(error).not.toBeInstanceOf(InvalidDefinitionError);
    expect(error).toMatchObject({ code: "INVALID_EXECUTION_OPTION", option: "partitionKey", message: "A partition was given, but no asset in the run is partitioned; leave it out." });
  });

  it("a resource whose setup throws is a ResourceSetupError naming the resource, with the thrown error as cause", async () => {
    const refused = new Error("connection refused");
    const db = resource({ setup: () => Promise.reject(refused) });
    const prepared = prepareResources(["db"], { db }, parseRunConfig({}), Instance.ephemeral());
    const error: unknown = await setUpResources(prepared, () => undefined as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceSetupError);
    expect(error).toBeInstanceOf(TesseraError);
    expect(error).toMatchObject({ code: "RESOURCE_SETUP_FAILED", resourceKey: "db", name: "ResourceSetupError", cause: refused, message: 'Resource "db" failed to set up: connection refused' });
  });
});
