import { describe, expect, it } from "vitest";
import { propertiesOf, schemaAt, skeletonOf, validate, type JsonSchema } from "./json-schema.js";

// The shape runConfigSchema answers: ops.<op>.config, from zod's toJSONSchema.
const schema: JsonSchema = {
  type: "object",
  properties: {
    ops: {
      type: "object",
      additionalProperties: false,
      properties: {
        load: {
          type: "object",
          additionalProperties: false,
          properties: {
            config: {
              type: "object",
              required: ["table"],
              properties: { table: { type: "string" }, rows: { type: "integer", exclusiveMinimum: 0, default: 3 }, mode: { type: "string", enum: ["fast", "full"] } },
            },
          },
        },
      },
    },
  },
};

describe("run config JSON Schema", () => {
  it("accepts a config that fits", () => {
    expect(validate({ ops: { load: { config: { table: "t", rows: 2, mode: "full" } } } }, schema)).toEqual([]);
  });

  it("names each problem at its path: a bad bound, an enum, a missing key and an unknown op", () => {
    const issues = validate({ ops: { load: { config: { rows: 0, mode: "slow" } }, lod: {} } }, schema);
    expect(issues).toContainEqual({ path: ["ops", "load", "config", "rows"], message: "Must be greater than 0." });
    expect(issues).toContainEqual({ path: ["ops", "load", "config", "mode"], message: 'Expected one of "fast", "full".' });
    expect(issues).toContainEqual({ path: ["ops", "load", "config"], message: 'Missing required key "table".' });
    expect(issues).toContainEqual({ path: ["ops", "lod"], atKey: true, message: 'Unknown key "lod"; expected "load".' });
  });

  it("tells an integer from a number and a string", () => {
    expect(validate({ ops: { load: { config: { table: "t", rows: 1.5 } } } }, schema)[0]?.message).toBe("Expected integer, got number.");
  });

  it("finds the schema under a path and the keys to complete there, with a value to insert", () => {
    const config = schemaAt(schema, ["ops", "load", "config"]) as JsonSchema;
    expect(propertiesOf(config).map((p) => [p.name, p.required])).toEqual([["table", true], ["rows", false], ["mode", false]]);
    expect(skeletonOf(config.properties?.["rows"] as JsonSchema)).toBe("3");
    expect(skeletonOf(config.properties?.["mode"] as JsonSchema)).toBe('"fast"');
    expect(schemaAt(schema, ["ops", "nope"])).toBeUndefined();
  });
});
